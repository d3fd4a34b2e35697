// McMaster-compatible argument syntax (azbridge-compat.md §1.1) and its messages.
#include "azbridge/cli/options.hpp"

#include "azbridge/util/error.hpp"

#include <catch2/catch.hpp>

using azbridge::cli::main_options;
using azbridge::cli::normalize_argv;

namespace {

std::vector<std::string> norm(std::vector<std::string> args) { return normalize_argv(args, main_options()); }

std::string error_of(std::vector<std::string> args) {
  try {
    norm(std::move(args));
  } catch (const azbridge::user_error& e) {
    CHECK(e.status() == azbridge::exit_status::usage);
    return e.what();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("every value syntax of azbridge gives the same canonical token") {
  std::vector<std::string> expected{"--local-forward=16161:db"};
  CHECK(norm({"-L", "16161:db"}) == expected);
  CHECK(norm({"-L=16161:db"}) == expected);
  CHECK(norm({"-L:16161:db"}) == expected);
  CHECK(norm({"--local-forward", "16161:db"}) == expected);
  CHECK(norm({"--local-forward=16161:db"}) == expected);
  CHECK(norm({"--local-forward:16161:db"}) == expected);
}

TEST_CASE("the name splits from the value at the first ':' or '=' only") {
  CHECK(norm({"-L:127.0.0.1:80:db"}) == std::vector<std::string>{"--local-forward=127.0.0.1:80:db"});
  CHECK(norm({"-o:ConnectTimeout:44"}) == std::vector<std::string>{"--option=ConnectTimeout:44"});
  CHECK(norm({"-x=Endpoint=sb://a/;SharedAccessKey=b="}) ==
        std::vector<std::string>{"--connection-string=Endpoint=sb://a/;SharedAccessKey=b="});
  CHECK(norm({"-e:sb://ns.example/"}) == std::vector<std::string>{"--endpoint-uri=sb://ns.example/"});
  CHECK(norm({"-o", "AzureRelayEndpoint:sb://x:9/"}) == std::vector<std::string>{"--option=AzureRelayEndpoint:sb://x:9/"});
}

TEST_CASE("option -svc, -? and case-sensitive short names") {
  CHECK(norm({"-svc"}) == std::vector<std::string>{"--svc"});
  CHECK(norm({"--svc"}) == std::vector<std::string>{"--svc"});
  CHECK(norm({"-?"}) == std::vector<std::string>{"--help"});
  CHECK(norm({"-h"}) == std::vector<std::string>{"--help"});
  CHECK(norm({"-K", "a", "-k", "YQ=="}) ==
        std::vector<std::string>{"--shared-access-key-name=a", "--shared-access-key=YQ=="});
}

TEST_CASE("a separate value is taken as is, even when it starts with '-'") {
  CHECK(norm({"-L", "-v"}) == std::vector<std::string>{"--local-forward=-v"});
}

TEST_CASE("flags may repeat, single-value options may not, lists accumulate") {
  CHECK(norm({"-v", "-v", "-q", "-g", "-g"}).size() == 5);
  CHECK(norm({"-L", "1:a", "-L", "2:b"}).size() == 2);
  CHECK(error_of({"-f", "a", "-f", "b"}) == "Unexpected value 'b' for option -f/--config-file: it may be given only once");
  auto secret = error_of({"-k", "YQ==", "-k", "c2VjcmV0"});
  CHECK(secret.find("c2VjcmV0") == std::string::npos);
  CHECK(secret.find("-k/--shared-access-key") != std::string::npos);
}

TEST_CASE("unknown options, clustering, glued values and positional arguments are rejected") {
  CHECK(error_of({"-qv"}) == "Unrecognized option '-qv'");
  CHECK(error_of({"-L16161:db"}) == "Unrecognized option '-L16161:db'");
  CHECK(error_of({"-E", "sb://x/"}) == "Unrecognized option '-E'");
  CHECK(error_of({"-S", "x"}) == "Unrecognized option '-S'");
  CHECK(error_of({"-D", "1080"}) == "Unrecognized option '-D'");
  CHECK(error_of({"--local_forward", "1:a"}) == "Unrecognized option '--local_forward'");
  CHECK(error_of({"--"}) == "Unrecognized option '--'");
  CHECK(error_of({"16161:db"}) == "Unrecognized command or argument '16161:db'");
  CHECK(error_of({"-"}) == "Unrecognized command or argument '-'");
  CHECK(error_of({"-svcx"}) == "Unrecognized option '-svcx'");
}

TEST_CASE("missing, empty and unexpected values") {
  CHECK(error_of({"-L"}) == "Missing value for option -L/--local-forward");
  CHECK(error_of({"--config-file="}) == "Empty value for option -f/--config-file");
  CHECK(error_of({"-v=1"}) == "Unexpected value '1' for option -v/--verbose: it takes no value");
  CHECK(error_of({"-svc:x"}) == "Unexpected value 'x' for option -svc/--svc: it takes no value");
}
