#include "net/tls.hpp"

#include <map>
#include <mutex>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/x509v3.h>

#include "log.hpp"

namespace directline::core::net {

namespace ssl = boost::asio::ssl;

Outcome<std::shared_ptr<ssl::context>> tls_context(const TlsSettings &settings) {
  // Leaked on purpose: I/O threads may still use a context while static destructors run.
  static auto *mutex = new std::mutex;
  static auto *cache = new std::map<std::pair<std::string, bool>, std::shared_ptr<ssl::context>>;
  std::lock_guard<std::mutex> lock(*mutex);
  const auto key = std::make_pair(settings.ca_file, settings.skip_verify);
  if (auto it = cache->find(key); it != cache->end()) return it->second;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  if (settings.skip_verify) {
    ctx->set_verify_mode(ssl::verify_none);
  } else {
    if (settings.ca_file.empty())
      ctx->set_default_verify_paths(ec);
    else
      ctx->load_verify_file(settings.ca_file, ec);
    if (ec)
      return Error::make(Code::tls, "cannot load the trusted certificates" +
                                        (settings.ca_file.empty() ? std::string() : " from ca_file") + ": " +
                                        ec.message());
    ctx->set_verify_mode(ssl::verify_peer);
  }
  cache->emplace(key, ctx);
  return ctx;
}

Status prepare_tls(SSL *ssl, const std::string &host, bool skip_verify) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  const bool ip_literal = !ec;
  // SNI carries names only (RFC 6066).
  if (!ip_literal && !SSL_set_tlsext_host_name(ssl, host.c_str()))
    return Error::make(Code::tls, "cannot set the TLS server name");
  if (skip_verify) return ok_status();
  X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int set = ip_literal ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                             : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (set != 1) return Error::make(Code::tls, "cannot set the expected TLS peer identity");
  return ok_status();
}

namespace {

std::string verify_reason(long result, const std::string &host) {
  const std::string detail = X509_verify_cert_error_string(result);
  switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "the certificate is not valid for '" + host + "' (" + detail + ")";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "the certificate has expired (" + detail + ")";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "the certificate is not valid yet (" + detail + ")";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return "the certificate's issuer is not trusted (" + detail + "; set ca_file to trust it)";
    default:
      return "certificate verification failed (" + detail + ")";
  }
}

bool is_tls_category(const boost::system::error_code &ec) {
  return ec.category() == boost::asio::error::get_ssl_category() ||
         (ec.category() == ssl::error::get_stream_category() && ec != ssl::error::stream_truncated);
}

}  // namespace

Error tls_handshake_error(SSL *ssl, const boost::system::error_code &ec, const std::string &where) {
  const long result = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (result != X509_V_OK) {
    // The host is the part of `where` before the port.
    const auto colon = where.rfind(':');
    std::string host = colon == std::string::npos ? where : where.substr(0, colon);
    if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
    return Error::make(Code::tls, "TLS handshake with " + where + " failed: " + verify_reason(result, host));
  }
  if (is_tls_category(ec))
    return Error::make(Code::tls, "TLS handshake with " + where + " failed: " + ec.message());
  return Error::make(Code::network, "connection to " + where + " broke during the TLS handshake: " + ec.message());
}

void warn_tls_verification_disabled() {
  log(LogLevel::warn,
      "INSECURE: TLS certificate verification is disabled (insecure_skip_tls_verify): any server, "
      "including an attacker in the middle, is accepted and can read the secret or token. Use it for "
      "tests only; trust a private CA with ca_file instead.");
}

}  // namespace directline::core::net
