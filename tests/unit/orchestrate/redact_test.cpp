#include "azbridge/orchestrate/redact.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::orchestrate;

TEST_CASE("authorization headers keep their scheme only", "[redact]") {
  header_list h{{"Authorization", "SharedAccessSignature sr=hub&sig=abc%2B&se=1&skn=service"},
                {"authorization", "Bearer eyJ0eXAiOiJKV1Qi.payload.sig"},
                {"X-IDENTITY-HEADER", "identity-secret"},
                {"Content-Type", "application/json"}};
  auto r = redact_headers(h);
  CHECK(r[0].second == "SharedAccessSignature ***");
  CHECK(r[1].second == "Bearer ***");
  CHECK(r[2].second == "***");
  CHECK(r[3].second == "application/json");
}

TEST_CASE("secret query parameters are replaced", "[redact]") {
  CHECK(redact_url("https://h/x?sig=abc&se=1&skn=k") == "https://h/x?sig=***&se=1&skn=k");
  CHECK(redact_url("https://h/x?api-version=2021-04-12") == "https://h/x?api-version=2021-04-12");
  CHECK(redact_url("https://h/x?client_secret=s3cr3t&b=2").find("s3cr3t") == std::string::npos);
}

TEST_CASE("JSON bodies lose secureValue, passwords, keys and embedded connection-string keys", "[redact]") {
  std::string body = R"({"properties":{"containers":[{"properties":{"environmentVariables":[
      {"name":"AZRELAY_CONN_STRING","secureValue":"Endpoint=sb://ns/;SharedAccessKeyName=s;SharedAccessKey=KEY1"},
      {"name":"AZRELAY_HYBRID_CONNECTION","value":"dev1"}]}}],
      "imageRegistryCredentials":[{"server":"acr","username":"u","password":"PW2"}]},
      "primaryKey":"KEY3","note":"Endpoint=sb://ns/;SharedAccessKeyName=s;SharedAccessKey=KEY4;EntityPath=x",
      "access_token":"TOKEN5"})";
  auto r = redact_body("application/json", body);
  for (auto secret : {"KEY1", "PW2", "KEY3", "KEY4", "TOKEN5"}) {
    INFO(secret);
    CHECK(r.find(secret) == std::string::npos);
  }
  CHECK(r.find("dev1") != std::string::npos);
  CHECK(r.find("SharedAccessKeyName=s") != std::string::npos);  // the non-secret part stays readable
  CHECK(r.find("EntityPath=x") != std::string::npos);
}

TEST_CASE("form bodies lose client_secret and client_assertion", "[redact]") {
  auto r = redact_body("application/x-www-form-urlencoded",
                       "grant_type=client_credentials&client_id=abc&client_secret=S3&scope=x");
  CHECK(r == "grant_type=client_credentials&client_id=abc&client_secret=***&scope=x");
  auto a = redact_body("application/x-www-form-urlencoded", "client_assertion=JWT&client_id=abc");
  CHECK(a == "client_assertion=***&client_id=abc");
}

TEST_CASE("free text loses SAS signatures, keys and bearer tokens", "[redact]") {
  CHECK(redact_text("Endpoint=sb://a/;SharedAccessKeyName=n;SharedAccessKey=abc=;EntityPath=e") ==
        "Endpoint=sb://a/;SharedAccessKeyName=n;SharedAccessKey=***;EntityPath=e");
  CHECK(redact_text("SharedAccessSignature sr=x&sig=abc&se=1") == "SharedAccessSignature sr=x&sig=***&se=1");
  CHECK(redact_text("header Bearer abc.def.ghi end") == "header Bearer *** end");
  CHECK(redact_text("nothing secret") == "nothing secret");
}

TEST_CASE("describe_request prints method, redacted URL, headers and body", "[redact]") {
  http_request r;
  r.method = "PUT";
  r.url = "https://management.azure.com/x?api-version=1";
  r.set_header("Authorization", "Bearer TOKEN");
  r.set_header("Content-Type", "application/json");
  r.body = R"({"password":"PW"})";
  auto d = describe_request(r, true);
  CHECK(d.find("PUT https://management.azure.com/x?api-version=1") == 0);
  CHECK(d.find("TOKEN") == std::string::npos);
  CHECK(d.find("PW") == std::string::npos);
}
