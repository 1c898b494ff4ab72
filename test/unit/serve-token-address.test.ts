import { describe, expect, it } from 'vitest';
import { addressWithoutToken } from '../../renderer/src/client/http';

describe("the serve token leaves the page's address", () => {
  it('drops ?token= and keeps the path, the other parameters and the route', () => {
    expect(addressWithoutToken('http://127.0.0.1:4000/?token=abc')).toBe('/');
    expect(addressWithoutToken('http://127.0.0.1:4000/?token=abc#/messages/3')).toBe('/#/messages/3');
    expect(addressWithoutToken('http://127.0.0.1:4000/index.html?lang=en&token=abc#/history')).toBe('/index.html?lang=en#/history');
    expect(addressWithoutToken('http://127.0.0.1:4000/?token=a&token=b')).toBe('/');
    expect(addressWithoutToken('http://127.0.0.1:4000/?token=')).toBe('/');
  });

  it('leaves an address without a token alone', () => {
    expect(addressWithoutToken('http://127.0.0.1:4000/')).toBeNull();
    expect(addressWithoutToken('http://127.0.0.1:4000/?lang=en#/audit')).toBeNull();
    // A route that merely mentions the word is not a query parameter.
    expect(addressWithoutToken('http://127.0.0.1:4000/#/settings?token=x')).toBeNull();
  });
});
