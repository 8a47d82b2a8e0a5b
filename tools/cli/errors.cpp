#include "errors.hpp"

#include "output.hpp"

namespace dlcli {

int exit_code_for(int code) {
  switch (code) {
    case DL_EINVALID: case DL_EINSECURE: return kExitUsage;
    case DL_EUNAUTHORIZED: return kExitUnauthorized;
    case DL_EFORBIDDEN: return kExitForbidden;
    case DL_ETOKEN_EXPIRED: return kExitTokenExpired;
    case DL_ENOTFOUND: return kExitNotFound;
    case DL_ECONFLICT: case DL_EBAD_REQUEST: return kExitRejected;
    case DL_ETHROTTLED: return kExitThrottled;
    case DL_EBOT: return kExitBot;
    case DL_ESERVER: return kExitServer;
    case DL_ENETWORK: case DL_ETLS: return kExitNetwork;
    case DL_ETIMEOUT: return kExitTimeout;
    case DL_EPROTOCOL: return kExitProtocol;
    case DL_EENDED: return kExitEnded;
    case DL_ECANCELLED: return kExitInterrupted;
    default: return kExitLocal;
  }
}

std::string describe(const directline::Error &e) {
  std::string detail = dl_result_name(e.code());
  if (e.http_status()) detail += ", HTTP " + std::to_string(e.http_status());
  if (!e.service_code().empty()) detail += ", " + e.service_code();
  if (auto ra = e.retry_after()) detail += ", retry after " + std::to_string(ra->count()) + " s";
  return std::string(e.what()) + " (" + detail + ")";
}

int report(const directline::Error &e) {
  print_error(describe(e));
  if (e.code() == DL_EINSECURE) print_error("--insecure-http allows plain http to that host");
  return exit_code_for(e.code());
}

directline::Error protocol_error(const std::string &message) {
  return directline::Error(DL_EPROTOCOL, 0, "", message);
}

}  // namespace dlcli
