#include "azbridge/orchestrate/identity/credentials.hpp"
#include "azbridge/orchestrate/identity/token_requests.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace azbridge::identity;
using namespace std::chrono;

namespace {
std::map<std::string, std::string> form_fields(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  while (i <= body.size()) {
    auto amp = body.find('&', i);
    if (amp == std::string::npos) amp = body.size();
    auto pair = body.substr(i, amp - i);
    auto eq = pair.find('=');
    out[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    i = amp + 1;
  }
  return out;
}
}  // namespace

TEST_CASE("scopes and resources", "[identity]") {
  CHECK(scope_to_resource("https://management.azure.com/.default") == "https://management.azure.com");
  CHECK(scope_to_resource("https://relay.azure.net/.default") == "https://relay.azure.net");
  CHECK(scope_to_resource("https://management.azure.com/") == "https://management.azure.com/");
  CHECK(form_encode("https://a.b/.default") == "https%3A%2F%2Fa.b%2F.default");
  CHECK(form_encode("a b+c~") == "a%20b%2Bc~");
}

TEST_CASE("client secret token request", "[identity]") {
  auto r = client_secret_request("https://login.microsoftonline.com/", "tenant-1", "client-1", "s&cr=t",
                                 "https://management.azure.com/.default");
  CHECK(r.method == "POST");
  CHECK(r.url == "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token");
  CHECK(r.header("Content-Type") == "application/x-www-form-urlencoded");
  auto f = form_fields(r.body);
  CHECK(f["grant_type"] == "client_credentials");
  CHECK(f["client_id"] == "client-1");
  CHECK(f["client_secret"] == "s%26cr%3Dt");
  CHECK(f["scope"] == "https%3A%2F%2Fmanagement.azure.com%2F.default");
}

TEST_CASE("workload identity token request", "[identity]") {
  auto r = client_assertion_request("https://login.example", "t", "c", "eyJ.jwt", "https://relay.azure.net/.default");
  auto f = form_fields(r.body);
  CHECK(f["client_assertion_type"] == "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer");
  CHECK(f["client_assertion"] == "eyJ.jwt");
  CHECK(f.count("client_secret") == 0);
}

TEST_CASE("managed identity requests", "[identity]") {
  auto a = app_service_request("http://127.0.0.1:4141/msi/token", "hdr", "https://management.azure.com/", "");
  CHECK(a.method == "GET");
  CHECK(a.url == "http://127.0.0.1:4141/msi/token?resource=https%3A%2F%2Fmanagement.azure.com%2F&api-version=2019-08-01");
  CHECK(a.header("X-IDENTITY-HEADER") == "hdr");
  auto i = imds_request("http://169.254.169.254", "https://management.azure.com/", "uami");
  CHECK(i.url == "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
                 "&resource=https%3A%2F%2Fmanagement.azure.com%2F&client_id=uami");
  CHECK(i.header("Metadata") == "true");
}

TEST_CASE("token answers: expires_in, expires_on as number or string", "[identity]") {
  auto now = system_clock::from_time_t(1700000000);
  auto a = parse_token_response(R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"AT"})", now);
  REQUIRE(a);
  CHECK(a->token == "AT");
  CHECK(a->expires_on == now + seconds(3599));
  auto b = parse_token_response(R"({"access_token":"AT","expires_on":"1700003600","resource":"r","token_type":"Bearer"})", now);
  REQUIRE(b);
  CHECK(b->expires_on == system_clock::from_time_t(1700003600));
  CHECK(parse_token_response(R"({"access_token":"AT","expires_on":1700003600})", now));
  CHECK_FALSE(parse_token_response(R"({"expires_in":1})", now));
  CHECK_FALSE(parse_token_response(R"({"access_token":"AT"})", now));
  CHECK_FALSE(parse_token_response("<html>", now));
}

TEST_CASE("token errors are one line without secrets", "[identity]") {
  CHECK(describe_token_error(401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x"})") ==
        "HTTP 401: AADSTS7000215: Invalid client secret provided.");
  CHECK(describe_token_error(400, R"({"error":"invalid_request"})") == "HTTP 400: invalid_request");
  CHECK(describe_token_error(500, "oops") == "HTTP 500");
}

TEST_CASE("Azure CLI arguments and output", "[identity]") {
  auto argv = az_cli_arguments("az", "https://management.azure.com", "t1");
  CHECK(argv == std::vector<std::string>{"az", "account", "get-access-token", "--output", "json", "--resource",
                                         "https://management.azure.com", "--tenant", "t1"});
  auto t = parse_az_cli_output(R"({"accessToken":"AT","expiresOn":"2024-05-01 12:00:00.000000","expires_on":1714564800,"subscription":"s","tenant":"t","tokenType":"Bearer"})");
  REQUIRE(t);
  CHECK(t->token == "AT");
  CHECK(t->expires_on == system_clock::from_time_t(1714564800));
  CHECK(parse_az_cli_output(R"({"accessToken":"AT","expiresOn":"2024-05-01 12:00:00.000000"})"));
  CHECK_FALSE(parse_az_cli_output(R"({"accessToken":"AT"})"));
  CHECK_FALSE(parse_az_cli_output("ERROR: Please run 'az login' to setup account."));
}

TEST_CASE("credential names", "[identity]") {
  for (auto k : {credential_kind::automatic, credential_kind::environment, credential_kind::workload_identity,
                 credential_kind::managed_identity, credential_kind::app_service, credential_kind::imds,
                 credential_kind::azure_cli}) {
    CHECK(parse_credential_kind(credential_kind_name(k)) == k);
  }
  CHECK_FALSE(parse_credential_kind("vscode"));
}

// --- the chain and the cache, over a scripted in-memory transport ---------------------------------------

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace {

using azbridge::orchestrate::http_client;
using azbridge::orchestrate::http_request;
using azbridge::orchestrate::http_response;
using azbridge::orchestrate::http_transport;
using azbridge::orchestrate::network_error;

struct scripted_transport final : http_transport {
  std::function<http_response(const http_request&)> answer;
  std::vector<std::string> urls;
  azbridge::net::awaitable<http_response> send(const http_request& r, milliseconds) override {
    urls.push_back(r.url);
    co_return answer(r);
  }
};

http_response token_answer(int expires_in) {
  http_response r;
  r.status = 200;
  r.body = R"({"token_type":"Bearer","access_token":"AT)" + std::to_string(expires_in) + R"(","expires_in":)" +
           std::to_string(expires_in) + "}";
  return r;
}

template <class F>
void run(F f) {
  boost::asio::io_context io;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, f(), [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
}

identity_environment empty_env() {
  identity_environment e;
  e.imds_host = "http://imds.test";
  e.az_path = "/nonexistent/azbridge-test-az";
  return e;
}

}  // namespace

TEST_CASE("the chain falls through unavailable credentials and says why", "[identity]") {
  scripted_transport t;
  t.answer = [](const http_request&) -> http_response { throw network_error("connect refused"); };
  http_client http(t);
  auto cred = make_credential(credential_kind::automatic, http, empty_env());
  std::string message;
  try {
    run([&]() -> azbridge::net::awaitable<void> { co_await cred->get_token("https://management.azure.com/.default"); });
  } catch (const credential_unavailable& e) {
    message = e.what();
  }
  CHECK(message.find("no Entra ID credential is available") != std::string::npos);
  CHECK(message.find("AZURE_CLIENT_SECRET") != std::string::npos);
  CHECK(message.find("IMDS") != std::string::npos);
  CHECK(message.find("not installed") != std::string::npos);
  CHECK(t.urls.size() == 1);  // only the IMDS probe went out
}

TEST_CASE("the environment credential wins, its token is cached per scope", "[identity]") {
  scripted_transport t;
  t.answer = [](const http_request&) { return token_answer(3600); };
  http_client http(t);
  auto env = empty_env();
  env.tenant_id = "t";
  env.client_id = "c";
  env.client_secret = "s";
  env.authority_host = "https://login.test";
  auto cred = make_credential(credential_kind::automatic, http, env);
  run([&]() -> azbridge::net::awaitable<void> {
    auto a = co_await cred->get_token("https://management.azure.com/.default");
    auto b = co_await cred->get_token("https://management.azure.com/.default");
    auto c = co_await cred->get_token("https://iothubs.azure.net/.default");
    CHECK(a.token == "AT3600");
    CHECK(b.token == a.token);
    CHECK(c.token == "AT3600");
  });
  CHECK(t.urls.size() == 2);  // one per scope
  CHECK(t.urls[0] == "https://login.test/t/oauth2/v2.0/token");
  CHECK(cred->describe() == "environment (client secret)");
}

TEST_CASE("a token close to expiry is renewed", "[identity]") {
  scripted_transport t;
  t.answer = [](const http_request&) { return token_answer(120); };  // inside the 5-minute margin
  http_client http(t);
  auto env = empty_env();
  env.identity_endpoint = "http://127.0.0.1:1/msi/token";
  env.identity_header = "h";
  auto cred = make_credential(credential_kind::managed_identity, http, env);
  run([&]() -> azbridge::net::awaitable<void> {
    co_await cred->get_token("https://management.azure.com/.default");
    co_await cred->get_token("https://management.azure.com/.default");
  });
  CHECK(t.urls.size() == 2);
  CHECK(cred->describe() == "managed identity (App Service)");
}

TEST_CASE("a refused credential stops the chain", "[identity]") {
  scripted_transport t;
  t.answer = [](const http_request&) {
    http_response r;
    r.status = 401;
    r.body = R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})";
    return r;
  };
  http_client http(t);
  auto env = empty_env();
  env.tenant_id = "t";
  env.client_id = "c";
  env.client_secret = "wrong";
  auto cred = make_credential(credential_kind::automatic, http, env);
  std::string message;
  try {
    run([&]() -> azbridge::net::awaitable<void> { co_await cred->get_token("https://management.azure.com/.default"); });
  } catch (const authentication_failed& e) {
    message = e.what();
  }
  CHECK(message.find("AADSTS7000215") != std::string::npos);
  CHECK(message.find("wrong") == std::string::npos);
  CHECK(t.urls.size() == 1);  // IMDS was not tried
}
