/**
 * The Content Security Policy for every page of the app.
 *
 * The same string stands in renderer/index.html's meta tag (a unit test keeps them equal) and is
 * sent as a header by serve and by the Electron session. Mantine injects <style> elements, hence
 * 'unsafe-inline' for styles only; scripts come from the app's own files and nowhere else.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
