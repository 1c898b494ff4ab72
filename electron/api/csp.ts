/**
 * The Content Security Policy for every page of the app.
 *
 * The same string stands in renderer/index.html's meta tag (a unit test keeps them equal) and is
 * sent as a header by serve and by the Electron session. Mantine injects <style> elements, hence
 * 'unsafe-inline' for styles only; scripts come from the app's own files and nowhere else.
 *
 * Remote images are allowed at this level only because the message preview is a sandboxed srcdoc
 * frame, which inherits this policy: the frame carries its own stricter policy (no remote images)
 * until the user allows remote content for that message, and both must allow a load. The app's own
 * pages show no remote image.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
