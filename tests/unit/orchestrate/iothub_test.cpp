#include "azbridge/orchestrate/iothub.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace azbridge::orchestrate;
namespace json = boost::json;

TEST_CASE("IoT hub connection strings", "[iothub]") {
  auto cs = iothub::connection_string::parse(
      "HostName=myhub.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  REQUIRE(cs);
  CHECK(cs->host_name == "myhub.azure-devices.net");
  CHECK(cs->key_name == "service");
  CHECK(cs->key == "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  CHECK(iothub::connection_string::parse("hostname=h;sharedaccesskeyname=s;sharedaccesskey=AAAA;"));
  CHECK_FALSE(iothub::connection_string::parse("HostName=h;SharedAccessKeyName=s"));
  CHECK_FALSE(iothub::connection_string::parse("HostName=h;DeviceId=d;SharedAccessKey=AAAA"));
  CHECK_FALSE(iothub::connection_string::parse("HostName=h;SharedAccessKeyName=s;SharedAccessKey=not base64!"));
  CHECK_FALSE(iothub::connection_string::parse("HostName=h;Bogus=1;SharedAccessKeyName=s;SharedAccessKey=AAAA"));
}

TEST_CASE("IoT Hub SAS: base64-decoded key, sr = lower-case encoded resource (computed with Python's hmac)", "[iothub]") {
  const std::string key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
  auto t = iothub::make_sas("myhub.azure-devices.net", "service", key, 1700000000);
  REQUIRE(t);
  CHECK(*t == "SharedAccessSignature sr=myhub.azure-devices.net&sig=sJAIZTF5oG40VHrie96heZ865%2BnR4QavBvHnzxZm8rk%3D"
              "&se=1700000000&skn=service");
  auto d = iothub::make_sas("MyHub.azure-devices.net/devices", "service", key, 1700000000);
  REQUIRE(d);
  CHECK(*d == "SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices&sig=bcWIvqJXCP3NJh17lxOkjHhW5S7k7%2FidBzKdZNS7kvU%3D"
              "&se=1700000000&skn=service");
  CHECK_FALSE(iothub::make_sas("h", "s", "%%%", 1));
}

TEST_CASE("direct-method request: path and the four body fields", "[iothub]") {
  CHECK(iothub::method_path("dev 1/a") == "/twins/dev%201%2Fa/methods?api-version=2021-04-12");
  CHECK(iothub::method_path("d", "m") == "/twins/d/modules/m/methods?api-version=2021-04-12");
  iothub::method_call c{"CreateConnection", 30, 0, nullptr};
  auto body = json::parse(iothub::method_body(c)).as_object();
  CHECK(body.at("methodName") == "CreateConnection");
  CHECK(body.at("responseTimeoutInSeconds") == 30);
  CHECK(body.at("connectTimeoutInSeconds") == 0);
  CHECK(body.at("payload").is_null());
  CHECK(body.size() == 4);
}

TEST_CASE("direct-method validation", "[iothub]") {
  CHECK_FALSE(iothub::validate({"CreateConnection", 30, 0, nullptr}));
  CHECK(iothub::validate({"Create Connection", 30, 0, nullptr}));
  CHECK(iothub::validate({"a/b", 30, 0, nullptr}));
  CHECK(iothub::validate({"", 30, 0, nullptr}));
  CHECK(iothub::validate({"m", 4, 0, nullptr}));
  CHECK(iothub::validate({"m", 301, 0, nullptr}));
  CHECK(iothub::validate({"m", 30, 301, nullptr}));
}

TEST_CASE("the device's answer and the sample's reply payload", "[iothub]") {
  auto r = iothub::parse_method_response(
      R"({"status":200,"payload":{"result":"Executed direct method: CreateConnection for Hybrid Connection: dev1","serviceProtocol":"http","servicePort":"8080"}})");
  REQUIRE(r);
  CHECK(r->status == 200);
  auto reply = iothub::parse_connection_reply(r->payload);
  CHECK(reply.result == "Executed direct method: CreateConnection for Hybrid Connection: dev1");
  CHECK(reply.service_protocol == "http");
  CHECK(reply.service_port == "8080");
  // case-insensitive keys, numeric port (Newtonsoft is case-insensitive)
  auto odd = iothub::parse_connection_reply(json::parse(R"({"Result":"x","SERVICEPORT":22})"));
  CHECK(odd.result == "x");
  CHECK(odd.service_port == "22");
  CHECK_FALSE(iothub::parse_method_response("[]"));
  CHECK_FALSE(iothub::parse_method_response(R"({"payload":1})"));
}

TEST_CASE("IoT Hub error bodies: JSON inside Message, the older ErrorCode form, the header", "[iothub]") {
  auto e = iothub::parse_error(404,
      R"({"Message":"{\"errorCode\":404103,\"trackingId\":\"abc-G:11\",\"message\":\"Timed out waiting for device to connect.\",\"info\":{\"timeout\":\"00:00:00\"},\"timestampUtc\":\"2018-01-01T00:00:00Z\"}","ExceptionMessage":""})",
      "DeviceNotOnline");
  CHECK(e.error_code == 404103);
  CHECK(e.message == "Timed out waiting for device to connect.");
  CHECK(e.tracking_id == "abc-G:11");
  CHECK(e.code_name == "DeviceNotOnline");
  auto old = iothub::parse_error(404, R"({"Message":"ErrorCode:DeviceNotFound;Device dev9 not registered"})", "");
  CHECK(old.code_name == "DeviceNotFound");
  CHECK(old.message == "Device dev9 not registered");
  auto plain = iothub::parse_error(504, R"({"errorCode":504101,"message":"Timed out waiting for the response from device."})", "");
  CHECK(plain.error_code == 504101);
  auto junk = iothub::parse_error(500, "<html>oops</html>", "");
  CHECK(junk.error_code == 0);
}

TEST_CASE("each IoT Hub failure has its own exit status", "[iothub]") {
  auto code = [](int http, long ec, std::string name = "") {
    iothub::hub_error e;
    e.http_status = http;
    e.error_code = ec;
    e.code_name = name;
    return iothub::classify(e, "dev1", "CreateConnection").code();
  };
  CHECK(code(404, 404103) == exit_code::device_offline);
  CHECK(code(404, 0, "DeviceNotOnline") == exit_code::device_offline);
  CHECK(code(404, 404001) == exit_code::device_not_found);
  CHECK(code(504, 504101) == exit_code::device_timeout);
  CHECK(code(401, 401002) == exit_code::auth);
  CHECK(code(403, 0) == exit_code::auth);
  CHECK(code(403, 403800) == exit_code::throttled);
  CHECK(code(429, 429001) == exit_code::throttled);
  CHECK(code(400, 400004) == exit_code::rejected);
  CHECK(code(503, 503001) == exit_code::service);
  iothub::hub_error e{404, 404103, "", "Timed out waiting for device to connect.", ""};
  std::string msg = iothub::classify(e, "dev1", "CreateConnection").what();
  CHECK(msg.find("dev1") != std::string::npos);
  CHECK(msg.find("offline") != std::string::npos);
  CHECK(msg.find("404103") != std::string::npos);
}
