# Global Sieve script run by Dovecot's LMTP before any personal script (RFC 5228).
# A message marked as spam goes to Junk, the way a provider's filter would place it.
require ["fileinto"];

# A spam filter's verdict header (SpamAssassin, rspamd with milter_headers).
if header :is "X-Spam-Flag" "YES" {
  fileinto "Junk";
  stop;
}

# A DMARC failure recorded by the lab itself: only an Authentication-Results header with the lab's
# authserv-id counts (RFC 8601 §5: ignore results from other authserv-ids, a sender can forge them).
if header :matches "Authentication-Results" "mx.lab.test;*dmarc=fail*" {
  fileinto "Junk";
  stop;
}
