#include "azbridge/orchestrate/errors.hpp"
#include "azbridge/orchestrate/http.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace azbridge::orchestrate {

std::string_view find_header(const header_list& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (boost::algorithm::iequals(k, name)) return v;
  }
  return {};
}

void http_request::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (boost::algorithm::iequals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string_view status_table() {
  return "  0  success\n"
         "  1  unexpected failure\n"
         "  2  usage: bad option, configuration file or environment variable\n"
         "  3  authentication: no credential, token refused, 401/403 from IoT Hub or ARM\n"
         "  4  network: DNS, connect, TLS or timeout talking to an endpoint\n"
         "  5  throttled: still 429 after the allowed retries\n"
         "  6  service error: 5xx after the allowed retries, or an answer that makes no sense\n"
         " 10  device not found in the IoT hub (404001)\n"
         " 11  device offline: not connected or no method handler (404103)\n"
         " 12  device did not answer the direct method in time (504101)\n"
         " 13  device answered the direct method with an error status\n"
         " 20  ARM 404: subscription, resource group, relay namespace or resource not found\n"
         " 21  ARM rejected the request (400, 409, quota, other 4xx)\n"
         " 22  provisioning ended Failed or Canceled\n"
         " 23  provisioning still running when --provision-timeout elapsed\n"
         " 24  a resource with the session's name exists but was not made by azbridge orchestrate\n"
         "130  interrupted (SIGINT/SIGTERM): run `close` to remove what was made\n";
}

}  // namespace azbridge::orchestrate
