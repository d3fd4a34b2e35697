// Encoding the Hybrid Connections control messages with the protocol's exact field names.
#include "azbridge/protocol/control_messages.hpp"

#include "text.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace azbridge::protocol {
namespace {

namespace json = boost::json;

// A JSON object cannot hold a name twice: repeated headers (compared ignoring case) are joined with ", ",
// as an HTTP field list would be, under the first spelling seen.
json::object headers_to_json(const header_list& headers) {
  json::object out;
  for (const auto& [name, value] : headers) {
    json::value* existing = nullptr;
    for (auto& entry : out)
      if (detail::iequals(entry.key(), name)) existing = &entry.value();
    if (existing) {
      json::string& s = existing->as_string();
      s.append(", ");
      s.append(value);
    } else {
      out.emplace(name, value);
    }
  }
  return out;
}

json::object endpoint_to_json(const remote_endpoint& r) { return {{"address", r.address}, {"port", r.port}}; }

std::string wrap(std::string_view name, json::object body) {
  json::object top;
  top.emplace(name, std::move(body));
  return json::serialize(top);
}

}  // namespace

const std::string* find_header(const header_list& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (detail::iequals(key, name)) return &value;
  return nullptr;
}

std::string encode(const accept_command& c) {
  json::object o;
  o.emplace("address", c.address);
  o.emplace("id", c.id);
  o.emplace("connectHeaders", headers_to_json(c.connect_headers));
  if (c.remote) o.emplace("remoteEndpoint", endpoint_to_json(*c.remote));
  return wrap("accept", std::move(o));
}

std::string encode(const request_command& c) {
  json::object o;
  o.emplace("address", c.address);
  o.emplace("id", c.id);
  if (c.request_target) o.emplace("requestTarget", *c.request_target);
  if (c.method) o.emplace("method", *c.method);
  if (c.remote) o.emplace("remoteEndpoint", endpoint_to_json(*c.remote));
  // An address-only request (rendezvous) must carry nothing else; a full one always has its header object.
  if (c.method || !c.request_headers.empty()) o.emplace("requestHeaders", headers_to_json(c.request_headers));
  if (c.body) o.emplace("body", *c.body);
  return wrap("request", std::move(o));
}

std::string encode(const response_command& c) {
  json::object o;
  o.emplace("requestId", c.request_id);
  o.emplace("statusCode", c.status_code);
  o.emplace("statusDescription", c.status_description);
  o.emplace("responseHeaders", headers_to_json(c.response_headers));
  o.emplace("body", c.body);
  return wrap("response", std::move(o));
}

std::string encode(const renew_token_command& c) { return wrap("renewToken", json::object{{"token", c.token}}); }

}  // namespace azbridge::protocol
