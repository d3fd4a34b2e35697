#include "azbridge/relay_server/options.hpp"
#include "azbridge/util/error.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::relay_server;
using namespace std::chrono_literals;

TEST_CASE("options: --bind forms", "[relay_server][options]") {
  auto a = parse_bind("127.0.0.1:9443");
  REQUIRE(a);
  CHECK(a->host == "127.0.0.1");
  CHECK(*a->port == 9443);
  auto b = parse_bind("9443");
  REQUIRE(b);
  CHECK(b->host == "127.0.0.1");
  CHECK(*b->port == 9443);
  auto c = parse_bind("[::1]:0");
  REQUIRE(c);
  CHECK(c->host == "::1");
  CHECK(*c->port == 0);
  auto d = parse_bind("localhost");
  REQUIRE(d);
  CHECK(d->host == "localhost");
  CHECK_FALSE(d->port);
  CHECK_FALSE(parse_bind("host:70000"));
  CHECK_FALSE(parse_bind("host:abc"));
  CHECK_FALSE(parse_bind(""));
  CHECK_FALSE(parse_bind("[::1"));
}

TEST_CASE("options: the YAML schema", "[relay_server][options]") {
  relay_options o;
  load_config_text(R"(
bind: 0.0.0.0:9000
tls:
  certificate: /etc/relay/server.pem
  key: /etc/relay/server.key
publicHost: relay.example.com:9000
sharedAccessPolicies:
  - name: RootManageSharedAccessKey
    key: k1
    rights: [Listen, Send, Manage]
  - name: sender
    key: k2
    rights: Send
hybridConnections:
  - hc1
  - name: anon
    requiresClientAuthorization: false
    sharedAccessPolicies:
      - {name: anonlisten, key: k3, rights: [listen]}
limits:
  maxListenersPerHybridConnection: 3
  maxConnections: 100
timeouts:
  response: 1.5
  tokenGrace: 0
)",
                   "test.yml", o);
  CHECK(o.bind_host == "0.0.0.0");
  CHECK(*o.bind_port == 9000);
  CHECK(o.tls_cert_file == "/etc/relay/server.pem");
  CHECK(o.public_host == "relay.example.com:9000");
  REQUIRE(o.policies.size() == 2);
  CHECK(o.policies[0].rights.manage);
  CHECK(o.policies[1].rights.send);
  CHECK_FALSE(o.policies[1].rights.listen);
  REQUIRE(o.hybrid_connections.size() == 2);
  CHECK(o.hybrid_connections[0].name == "hc1");
  CHECK(o.hybrid_connections[0].requires_client_authorization);
  CHECK_FALSE(o.hybrid_connections[1].requires_client_authorization);
  CHECK(o.hybrid_connections[1].policies.at(0).rights.listen);
  CHECK(o.limits.max_listeners_per_hybrid_connection == 3);
  CHECK(o.limits.max_connections == 100);
  CHECK(o.timeouts.response == 1500ms);
  CHECK(o.timeouts.token_grace == 0ms);
  CHECK(o.timeouts.rendezvous == 30s);  // untouched defaults stay
  CHECK_FALSE(validate(o));
}

TEST_CASE("options: config mistakes are usage errors naming the key", "[relay_server][options]") {
  relay_options o;
  auto fails_with = [&](const char* yaml, const char* needle) {
    try {
      load_config_text(yaml, "bad.yml", o);
      FAIL("no error for " << yaml);
    } catch (const azbridge::user_error& e) {
      CHECK(e.status() == azbridge::exit_status::usage);
      CHECK_THAT(e.what(), Catch::Contains(needle));
    }
  };
  fails_with("bogus: 1", "bogus");
  fails_with("limits: {maxConnectionz: 1}", "limits.maxConnectionz");
  fails_with("limits: {maxConnections: -1}", "maxConnections");
  fails_with("timeouts: {response: soon}", "timeouts.response");
  fails_with("sharedAccessPolicies: [{name: a, key: b, rights: [Fly]}]", "Fly");
  fails_with("sharedAccessPolicies: [{name: a, rights: [Send]}]", "key is required");
  fails_with("bind: [1, 2", "not valid YAML");
}

TEST_CASE("options: validation", "[relay_server][options]") {
  relay_options o;
  o.policies.push_back({"n", "k", {true, true, true}});
  auto e = validate(o);
  REQUIRE(e);
  CHECK_THAT(*e, Catch::Contains("--no-tls"));  // neither TLS files nor --no-tls
  o.no_tls = true;
  CHECK_FALSE(validate(o));
  o.tls_cert_file = "x.pem";
  CHECK(validate(o));  // --no-tls with a certificate
  o.tls_cert_file.clear();
  o.policies.clear();
  CHECK_THAT(*validate(o), Catch::Contains("shared access policy"));
  o.policies.push_back({"n", "k", {true, true, true}});
  o.hybrid_connections.push_back({"bad name", true, {}});
  CHECK(validate(o));
  o.hybrid_connections = {{"a", true, {}}, {"A", true, {}}};
  CHECK_THAT(*validate(o), Catch::Contains("twice"));
  o.hybrid_connections.clear();
  CHECK(o.port() == 443);
  o.tls = false;
  CHECK(o.port() == 80);
}
