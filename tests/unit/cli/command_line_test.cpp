// The main mode's parser end to end: azbridge's CommandLineMaxTest with its exact argv, and our options.
#include "azbridge/cli/options.hpp"

#include "azbridge/util/error.hpp"
#include "../config/test_support.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace azbridge;

namespace {

std::vector<std::string> split_spaces(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

// CreateMaxCommandLine() of ConfigTest.cs plus "-a 60" (the reference's argv), split on ' ' as the test does.
constexpr const char* max_command_line =
    "-b 127.0.0.4 -e sb://cvrelay.servicebus.windows.net/ -f foo.txt -g -K send -k abcdefgh "
    "-L 127.0.100.1:8008:foo -L 127.0.100.2:8008:bar -L name:baz -o ConnectTimeout:44 -q "
    "-R foo1:123 -R bar1:10.1.1.1:123 -R foo3:port/123 -R bar3:10.1.1.1:port/123 -R baz:abc "
    "-T foo2:123 -T bar2:10.1.1.1:123 -T foo4:port/123 -T bar4:port/10.1.1.1:123 "
    "-H foo5:https/service.example.com -H bar5:http/service.example.com:81 -H baz5:http/service.example.com "
    "-H abc/def:http/service.example.com/foo "
    "-H ghi/jkl:http/service1.example.com/foo;http/service2.example.com/foo -v -a 60";

}  // namespace

TEST_CASE("CommandLineMaxTest: azbridge's argv through normalisation, CLI11 and load()") {
  auto args = split_spaces(max_command_line);
  config::test::temp_file foo("", "foo.txt");
  for (auto& a : args) {
    if (a == "foo.txt") a = foo.str();  // -f must exist here (azbridge's test never reads it)
  }
  auto parsed = cli::parse_command_line(args);
  CHECK(parsed.options.local_forwards.size() == 3);
  CHECK(parsed.options.remote_forwards_legacy.size() == 5);
  CHECK(parsed.options.remote_forwards.size() == 4);
  CHECK(parsed.options.remote_http_forwards.size() == 5);
  CHECK(parsed.options.quiet);
  CHECK(parsed.options.verbose);
  CHECK(parsed.options.gateway_ports);

  auto c = config::load(parsed.options, config::test::no_files(), config::is_local_host);
  REQUIRE(c.global_connection());
  CHECK(c.global_connection()->to_string() ==
        "Endpoint=sb://cvrelay.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abcdefgh;");
  CHECK(c.connection.endpoint == "sb://cvrelay.servicebus.windows.net/");
  CHECK(c.connection.shared_access_key_name == "send");
  CHECK(c.connection.shared_access_key == "abcdefgh");
  CHECK(c.bind_address == "127.0.0.4");
  CHECK(c.connect_timeout == 44);
  CHECK(c.gateway_ports == true);
  CHECK(c.keep_alive_interval == 60);
  REQUIRE(c.local_forwards.size() == 3);
  CHECK(c.local_forwards[2].bindings[0].bind_local_socket == "name");
  REQUIRE(c.remote_forwards.size() == 14);
  CHECK(c.remote_forwards[9].bindings[0].host_port == 443);
  CHECK(c.remote_forwards[10].bindings[0].host_port == 81);
  CHECK(c.remote_forwards[11].bindings[0].host_port == 80);
  CHECK(c.remote_forwards[12].bindings[0].path == "/foo/");
  CHECK(c.remote_forwards[13].bindings[1].path == "/foo/");
  CHECK(c.remote_forwards[10].is_http());
}

TEST_CASE("CommandLineTOptionTest and CommandLineROptionTest through the parser") {
  auto t = cli::parse_command_line({"-T", "relay1:port/1000", "-T", "relay2:port/name:1000", "-T", "relay3:1000",
                                    "-T", "relay4:sock"});
  auto c = config::load(t.options, config::test::no_files(), config::test::fake_local);
  REQUIRE(c.remote_forwards.size() == 4);
  CHECK(c.remote_forwards[1].bindings[0].host == "name");
  CHECK(c.remote_forwards[3].bindings[0].local_socket == "sock");
  auto r = cli::parse_command_line({"-R", "relay1:port/1000", "-R", "relay2:name:port/1000", "-R", "relay3:1000",
                                    "-R", "relay4:sock"});
  auto rc = config::load(r.options, config::test::no_files(), config::test::fake_local);
  REQUIRE(rc.remote_forwards.size() == 4);
  CHECK(rc.remote_forwards[1].bindings[0].host == "name");
  CHECK(rc.remote_forwards[1].bindings[0].port_name == "port");
}

TEST_CASE("our options: help, version, print-config, log format, svc") {
  CHECK(cli::parse_command_line({"-h"}).help);
  CHECK(cli::parse_command_line({"-?"}).help);
  CHECK(cli::parse_command_line({"--help"}).help);
  CHECK(cli::parse_command_line({"--version"}).version);
  CHECK(cli::parse_command_line({"--print-config"}).print_config);
  CHECK(cli::parse_command_line({"-svc"}).service);
  CHECK(cli::parse_command_line({"--log-format", "json"}).log_format == "json");
  CHECK(cli::parse_command_line({}).log_format == "text");
  CHECK_THROWS_WITH(cli::parse_command_line({"--log-format=xml"}), "Invalid --log-format value 'xml'. Must be 'text' or 'json'");
  auto single = cli::parse_command_line({"-f", "x.yml", "-l", "log.txt", "-s", "sig"});
  CHECK(single.options.config_file == "x.yml");
  CHECK(single.options.log_file == "log.txt");
  CHECK(single.options.signature == "sig");
  CHECK_FALSE(single.options.endpoint_uri);
}

TEST_CASE("help lists azbridge's options with their long names and hides -R") {
  auto help = cli::help_text();
  for (auto name : {"-L,--local-forward", "-T,--remote-forward", "-H,--remote-http-forward", "-x,--connection-string",
                    "-e,--endpoint-uri", "-K,--shared-access-key-name", "-k,--shared-access-key", "-s,--signature",
                    "-f,--config-file", "-o,--option", "-l,--log-file", "-v,--verbose", "-q,--quiet",
                    "-a,--keep-alive-interval", "-b,--bind-address", "-g,--gateway-ports", "--svc", "-?",
                    "--print-config", "--version", "--log-format"}) {
    INFO(name);
    CHECK(help.find(name) != std::string::npos);
  }
  CHECK(help.find("remote-forward-old") == std::string::npos);
}
