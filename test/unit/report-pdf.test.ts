import { describe, expect, it } from 'vitest';
import { findBrowser, PdfError, wellKnownBrowsers } from '../../electron/core/report/pdf';

describe('finding a browser for PDF reports', () => {
  it('exits 2 naming --browser when no browser is where browsers install', () => {
    expect(() => findBrowser(undefined, ['/nonexistent/chromium', '/nonexistent/google-chrome'])).toThrow(PdfError);
    expect(() => findBrowser(undefined, ['/nonexistent/chromium'])).toThrow(/none was found where they install: name one with --browser PATH/);
  });

  it('refuses a --browser that is not a program, such as a folder', () => {
    expect(() => findBrowser('/tmp')).toThrow(/--browser: \/tmp is not a program/);
  });

  it('looks for Chrome, Chromium and Edge in their usual places on each system', () => {
    expect(wellKnownBrowsers('linux')).toEqual(expect.arrayContaining(['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']));
    expect(wellKnownBrowsers('darwin')).toEqual(expect.arrayContaining(['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge']));
    expect(wellKnownBrowsers('win32', { PROGRAMFILES: 'C:\\Program Files' })).toEqual(expect.arrayContaining([expect.stringMatching(/Google.Chrome.Application.chrome\.exe$/), expect.stringMatching(/Microsoft.Edge.Application.msedge\.exe$/)]));
  });
});
