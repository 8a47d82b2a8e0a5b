// The one TLS setup for REST and the stream: a client context per (CA file,
// verify) shared process-wide, SNI and host name (or IP) verification per
// connection, and failure messages that say what was wrong with the peer.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <openssl/ssl.h>

#include "error.hpp"

namespace directline::core::net {

struct TlsSettings {
  std::string ca_file;       // "" = the system store
  bool skip_verify = false;  // insecure_skip_tls_verify: tests only
};

// Cached: loading the system store per connection would cost time and memory.
// tls error when the trusted certificates cannot be loaded.
Outcome<std::shared_ptr<boost::asio::ssl::context>> tls_context(const TlsSettings &settings);

// Per connection, before the handshake: SNI (for names, not IP literals) and
// the identity check the handshake enforces (unless skip_verify).
Status prepare_tls(SSL *ssl, const std::string &host, bool skip_verify);

// A failed handshake as an Error: tls with the verification reason
// ("certificate has expired", "hostname mismatch", ...) when the peer's
// certificate was rejected; network when the connection simply broke.
Error tls_handshake_error(SSL *ssl, const boost::system::error_code &ec, const std::string &where);

// The loud warning for skip_verify (logged once per client that disables it).
void warn_tls_verification_disabled();

}  // namespace directline::core::net
