// azbridge's ConfigTest.cs cases (azbridge-compat.md §6.1) against our loader, with azbridge's inputs and
// asserted values. CommandLineMaxTest with its exact argv runs through the real argument parser in
// tests/unit/cli; here it runs on the parsed options.
#include "azbridge/config/load.hpp"
#include "azbridge/config/yaml.hpp"

#include "azbridge/util/error.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::config;

namespace {

// CreateMaxConfig() of ConfigTest.cs, byte for byte (including the trailing blanks).
constexpr const char* max_config =
    "AddressFamily : inet\n"
    "AzureRelayConnectionString: Endpoint=sb://cvrelay.servicebus.windows.net/;SharedAccessKeyName="
    "RootManageSharedAccessKey;SharedAccessKey=P0CQgKxRl8S0ABAlmbitHDEWfwWUQzKB34J0w48SB/w=\n"
    "BindAddress : 127.0.0.4\n"
    "ClearAllForwardings : false \n"
    "ConnectionAttempts : 1 \n"
    "ConnectTimeout : 60 \n"
    "ExitOnForwardFailure : true \n"
    "LocalForward : \n"
    "  - BindAddress : 127.0.100.1\n"
    "    BindPort : 8008\n"
    "    RelayName : foo\n"
    "    HostName : foo.example.com\n"
    "  - BindAddress : 127.0.100.2\n"
    "    BindPort : 8008\n"
    "    RelayName : bar\n"
    "    HostName : bar.example.com\n"
    "  - BindLocalSocket : test\n"
    "    RelayName : baz\n"
    "RemoteForward : \n"
    "  - RelayName : foo\n"
    "    HostPort : 123\n"
    "  - RelayName : bar\n"
    "    HostPort : 8008\n"
    "    Host : 10.1.1.1\n"
    "  - RelayName : baz\n"
    "    LocalSocket : foo\n";

// CheckMaxConfig() of ConfigTest.cs.
void check_max_config(const config& c) {
  CHECK(c.address_family == "inet");
  REQUIRE(c.global_connection());
  CHECK(c.global_connection()->to_string() ==
        "Endpoint=sb://cvrelay.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
        "SharedAccessKey=P0CQgKxRl8S0ABAlmbitHDEWfwWUQzKB34J0w48SB/w=;");
  CHECK(c.connection.endpoint == "sb://cvrelay.servicebus.windows.net/");
  CHECK(c.connection.shared_access_key_name == "RootManageSharedAccessKey");
  CHECK(c.connection.shared_access_key == "P0CQgKxRl8S0ABAlmbitHDEWfwWUQzKB34J0w48SB/w=");
  CHECK(c.connection.shared_access_signature.empty());
  CHECK(c.bind_address == "127.0.0.4");
  CHECK(c.clear_all_forwardings == false);
  CHECK(c.connection_attempts == 1);
  CHECK(c.connect_timeout == 60);
  CHECK(c.effective_exit_on_forward_failure());

  REQUIRE(c.local_forwards.size() == 3);
  CHECK(c.local_forwards[0].bindings[0].bind_address == "127.0.100.1");
  CHECK(c.local_forwards[0].bindings[0].bind_port == 8008);
  CHECK(c.local_forwards[0].relay_name == "foo");
  CHECK(c.local_forwards[0].bindings[0].host_name == "foo.example.com");
  CHECK(c.local_forwards[1].bindings[0].bind_address == "127.0.100.2");
  CHECK(c.local_forwards[1].bindings[0].bind_port == 8008);
  CHECK(c.local_forwards[1].relay_name == "bar");
  CHECK(c.local_forwards[1].bindings[0].host_name == "bar.example.com");
  CHECK(c.local_forwards[2].bindings[0].bind_local_socket == "test");
  CHECK(c.local_forwards[2].relay_name == "baz");

  REQUIRE(c.remote_forwards.size() == 3);
  CHECK(c.remote_forwards[0].relay_name == "foo");
  CHECK(c.remote_forwards[0].bindings[0].host_port == 123);
  CHECK(c.remote_forwards[1].relay_name == "bar");
  CHECK(c.remote_forwards[1].bindings[0].host_port == 8008);
  CHECK(c.remote_forwards[1].bindings[0].host == "10.1.1.1");
  CHECK(c.remote_forwards[2].relay_name == "baz");
  CHECK(c.remote_forwards[2].bindings[0].local_socket == "foo");
}

config load_cl(const command_line& cl) { return load(cl, test::no_files(), is_local_host); }

std::string fails(const command_line& cl) {
  try {
    load_cl(cl);
  } catch (const azbridge::user_error& e) {
    return e.what();
  }
  FAIL("expected a failure");
  return {};
}

}  // namespace

TEST_CASE("ConfigFileMaxTest") {
  test::temp_file file(max_config);
  command_line cl;
  cl.config_file = file.str();
  check_max_config(load_cl(cl));
}

TEST_CASE("ConfigSaveLoadFileTest: printed configuration loads back to the same values") {
  test::temp_file file(max_config);
  command_line cl;
  cl.config_file = file.str();
  auto saved = to_yaml(load_cl(cl), secrets::show);
  test::temp_file again(saved);
  cl.config_file = again.str();
  check_max_config(load_cl(cl));
}

TEST_CASE("CommandLineMaxTest on parsed options") {
  test::temp_file foo("", "foo.txt");  // azbridge's test passes -f foo.txt; here a missing -f is an error
  command_line cl;
  cl.bind_address = "127.0.0.4";
  cl.endpoint_uri = "sb://cvrelay.servicebus.windows.net/";
  cl.config_file = foo.str();
  cl.gateway_ports = true;
  cl.shared_access_key_name = "send";
  cl.shared_access_key = "abcdefgh";
  cl.local_forwards = {"127.0.100.1:8008:foo", "127.0.100.2:8008:bar", "name:baz"};
  cl.options = {"ConnectTimeout:44"};
  cl.quiet = true;
  cl.remote_forwards_legacy = {"foo1:123", "bar1:10.1.1.1:123", "foo3:port/123", "bar3:10.1.1.1:port/123", "baz:abc"};
  cl.remote_forwards = {"foo2:123", "bar2:10.1.1.1:123", "foo4:port/123", "bar4:port/10.1.1.1:123"};
  cl.remote_http_forwards = {"foo5:https/service.example.com", "bar5:http/service.example.com:81",
                             "baz5:http/service.example.com", "abc/def:http/service.example.com/foo",
                             "ghi/jkl:http/service1.example.com/foo;http/service2.example.com/foo"};
  cl.verbose = true;
  cl.keep_alive_interval = "60";
  auto c = load_cl(cl);

  REQUIRE(c.global_connection());
  CHECK(c.global_connection()->to_string() ==
        "Endpoint=sb://cvrelay.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abcdefgh;");
  CHECK(c.connection.endpoint == "sb://cvrelay.servicebus.windows.net/");
  CHECK(c.bind_address == "127.0.0.4");
  CHECK(c.connect_timeout == 44);
  CHECK(c.gateway_ports == true);
  CHECK(c.keep_alive_interval == 60);
  CHECK(c.log_level == "NONE");
  REQUIRE(c.local_forwards.size() == 3);
  CHECK(c.local_forwards[0].bindings[0].bind_address == "127.0.100.1");
  CHECK(c.local_forwards[0].bindings[0].bind_port == 8008);
  CHECK(c.local_forwards[0].relay_name == "foo");
  CHECK(c.local_forwards[1].bindings[0].bind_address == "127.0.100.2");
  CHECK(c.local_forwards[1].relay_name == "bar");
  CHECK(c.local_forwards[2].bindings[0].bind_local_socket == "name");
  CHECK(c.local_forwards[2].relay_name == "baz");

  const auto& r = c.remote_forwards;
  REQUIRE(r.size() == 14);
  auto check = [&](std::size_t i, const char* relay, int port, const char* host, const char* port_name) {
    INFO("RemoteForward[" << i << "]");
    CHECK(r[i].relay_name == relay);
    CHECK(r[i].bindings[0].host_port == port);
    if (host) CHECK(r[i].bindings[0].host == host);
    if (port_name) CHECK(r[i].bindings[0].port_name == port_name);
  };
  check(0, "foo1", 123, nullptr, nullptr);
  check(1, "bar1", 123, "10.1.1.1", nullptr);
  check(2, "foo3", 123, nullptr, "port");
  check(3, "bar3", 123, "10.1.1.1", "port");
  CHECK(r[4].relay_name == "baz");
  CHECK(r[4].bindings[0].local_socket == "abc");
  check(5, "foo2", 123, nullptr, nullptr);
  check(6, "bar2", 123, "10.1.1.1", nullptr);
  check(7, "foo4", 123, nullptr, "port");
  check(8, "bar4", 123, "10.1.1.1", "port");
  check(9, "foo5", 443, "service.example.com", "https");
  check(10, "bar5", 81, "service.example.com", "http");
  check(11, "baz5", 80, "service.example.com", "http");
  check(12, "abc/def", 80, "service.example.com", "http");
  CHECK(r[12].bindings[0].path == "/foo/");
  check(13, "ghi/jkl", 80, "service1.example.com", "http");
  REQUIRE(r[13].bindings.size() == 2);
  CHECK(r[13].bindings[1].path == "/foo/");
  CHECK(r[13].bindings[1].host_port == 80);
  CHECK(r[13].bindings[1].port_name == "http");
  CHECK(r[13].bindings[1].host == "service2.example.com");
  CHECK(r[10].is_http());
}

TEST_CASE("CommandLineBadConnectionStringTest") {
  command_line cl;
  cl.connection_string = "Endpoint=total^^^garbage";
  CHECK(fails(cl).find("-x") != std::string::npos);
}

TEST_CASE("CommandLineBadBindAddressTest and CommandLineGoodBindAddressTest (system resolver)") {
  for (auto bad : {"abc^^$foo", "1.1.1.1", "bing.com"}) {
    command_line cl;
    cl.bind_address = bad;
    CHECK(fails(cl).find("-b") != std::string::npos);
  }
  for (auto good : {"localhost", "\"127.0.1.0\"", "\"[::1]\""}) {
    command_line cl;
    cl.bind_address = good;
    CHECK_NOTHROW(load_cl(cl));
  }
}

TEST_CASE("CommandLineBadEndpointUriTest, Bad/GoodKeyNameTest, Bad/GoodKeyValueTest") {
  command_line e;
  e.endpoint_uri = "\"^^^^\"";
  CHECK(fails(e).find("-e") != std::string::npos);
  command_line kn;
  kn.shared_access_key_name = "\"^^^^\"";
  CHECK(fails(kn).find("-K") != std::string::npos);
  kn.shared_access_key_name = "\"sendlisten\"";
  CHECK(load_cl(kn).connection.shared_access_key_name == "sendlisten");
  command_line k;
  k.shared_access_key = "\"^^^^\"";
  CHECK(fails(k).find("-k") != std::string::npos);
  k.shared_access_key = "\"e29y7Y09bQpdcc/0KfO4WYUOJIMvs6I8cNM8EZpAdHQ=\"";
  CHECK(load_cl(k).connection.shared_access_key == "e29y7Y09bQpdcc/0KfO4WYUOJIMvs6I8cNM8EZpAdHQ=");
}

TEST_CASE("CommandLineGoodLocalForwardTest and CommandLineGoodRemoteForwardTest") {
  command_line cl;
  cl.local_forwards = {"3000U:foobar", "3000:foobar"};
  cl.remote_forwards_legacy = {"foobar:3000", "foobar:3000U"};
  auto c = load_cl(cl);
  CHECK(c.local_forwards[0].bindings[0].bind_port == -3000);
  CHECK(c.local_forwards[1].bindings[0].bind_port == 3000);
  CHECK(c.remote_forwards[0].bindings[0].host_port == 3000);
  CHECK(c.remote_forwards[1].bindings[0].host_port == -3000);
}

TEST_CASE("ConfigBadOptionTest and the other ConfigBad*Test files through load_file") {
  auto file_error = [](const std::string& text) {
    test::temp_file f(text);
    try {
      load_file(f.path(), true, is_local_host);
    } catch (const azbridge::user_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(file_error("Fompa : ssjsjshshjs\n").find("Fompa") != std::string::npos);
  CHECK(file_error("BindAddress : ssjs^^^hjs\n").find("BindAddress") != std::string::npos);
  for (auto v : {"ssjs^^^hjs", "-1", "11"}) {
    CHECK(file_error(std::string("ConnectionAttempts : ") + v + "\n").find("ConnectionAttempts") != std::string::npos);
  }
  for (auto v : {"ssjs^^^hjs", "-1", "121"}) {
    CHECK(file_error(std::string("ConnectTimeout : ") + v + "\n").find("ConnectTimeout") != std::string::npos);
  }
}
