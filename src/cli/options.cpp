// The main mode's options, option by option as azbridge declares them (CommandLineSettings.cs), in CLI11.
#include "azbridge/cli/options.hpp"

#include "azbridge/util/error.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <memory>

namespace azbridge::cli {
namespace {

// short, long, takes_value, repeatable, secret
constexpr std::array<option_spec, 23> specs{{
    {"a", "keep-alive-interval", true, false, false},
    {"b", "bind-address", true, false, false},
    {"e", "endpoint-uri", true, false, false},
    {"f", "config-file", true, false, false},
    {"g", "gateway-ports", false, true, false},
    {"H", "remote-http-forward", true, true, false},
    {"h", "help", false, true, false},
    {"?", "help", false, true, false},
    {"K", "shared-access-key-name", true, false, false},
    {"k", "shared-access-key", true, false, true},
    {"L", "local-forward", true, true, false},
    {"l", "log-file", true, false, false},
    {"o", "option", true, true, false},
    {"q", "quiet", false, true, false},
    {"R", "remote-forward-old", true, true, false},
    {"s", "signature", true, false, true},
    {"svc", "svc", false, true, false},
    {"T", "remote-forward", true, true, false},
    {"v", "verbose", false, true, false},
    {"x", "connection-string", true, false, true},
    {"", "version", false, true, false},
    {"", "print-config", false, true, false},
    {"", "log-format", true, false, false},
}};

constexpr const char* footer = R"(Subcommands (our additions; azbridge itself has none):
  azbridge relay ...        run a Hybrid Connections relay server        (azbridge relay -h)
  azbridge orchestrate ...  drive IoT Hub / Azure Container Instances    (azbridge orchestrate -h)
  azbridge token ...        print a SAS token for -s                     (azbridge token -h)

Values may be given as -L value, -L=value or -L:value (long names too). Configuration files:
/etc/azbridge/azbridge_config.machine.yml, then $HOME/.azbridge/azbridge_config.yml (or -f FILE),
then -o key:value overrides, then the options above.

Exit status: 0 success, 1 runtime failure, 2 usage or configuration error.)";

// The CLI11 application and the variables it fills.
struct app_model {
  CLI::App app{"Azure Relay Bridge: forward TCP, UDP, Unix-socket and HTTP endpoints through Azure Relay "
               "Hybrid Connections.",
               "azbridge"};
  std::string a, b, e, f, l, K, k, s, x, log_format = "text";
  std::vector<std::string> L, R, T, H, o;
  bool g = false, q = false, v = false, svc = false, version = false, print_config = false;
  std::array<CLI::Option*, 9> singles{};

  app_model() {
    app.set_help_flag("-h,-?,--help", "Show help information");
    app.footer(footer);
    app.get_formatter()->column_width(40);
    singles = {
        opt("-a,--keep-alive-interval", a, "Keepalive interval in seconds (default 30)", "<KEEP_ALIVE_INTERVAL>"),
        opt("-b,--bind-address", b, "Source address of forwarding connections.", "<BIND_ADDRESS>"),
        opt("-e,--endpoint-uri", e, "Relay endpoint URI", "<ENDPOINT_URI>"),
        opt("-f,--config-file", f, "Configuration file", "<CONFIG_FILE>"),
        opt("-l,--log-file", l, "Log file", "<LOG_FILE>"),
        opt("-K,--shared-access-key-name", K, "Azure Relay shared access policy name", "<SHARED_ACCESS_KEY_NAME>"),
        opt("-k,--shared-access-key", k, "Azure Relay shared access policy key", "<SHARED_ACCESS_KEY>"),
        opt("-s,--signature", s, "Azure Relay shared access signature token", "<SIGNATURE>"),
        opt("-x,--connection-string", x, "Azure Relay connection string (overridden with -S -K -k -e)",
            "<CONNECTION_STRING>"),
    };
    app.add_flag("-g,--gateway-ports", g, "Allows remote hosts to connect to local forwarded ports");
    opt("-H,--remote-http-forward", H, "Remote HTTP(S) forwarder relay_name:{http|https}/[hostname:]port ",
        "<REMOTE_HTTP_FORWARD>");
    opt("-L,--local-forward", L, "Local forwarder [hostname:]port[/port_name]:relay_name", "<LOCAL_FORWARD>");
    opt("-o,--option", o, "Configuration file option override key:value", "<OPTION>");
    app.add_flag("-q,--quiet", q, "No log output to stdout/stderr");
    opt("-R,--remote-forward-old", R, "Remote forwarder relay_name:[hostname:]port ", "<REMOTE_FORWARD_OLD>")
        ->group("");  // hidden, as in azbridge
    opt("-T,--remote-forward", T, "Remote forwarder relay_name:[port_name/][hostname:]port ", "<REMOTE_FORWARD>");
    app.add_flag("-v,--verbose", v, "Verbose log output");
    app.add_flag("--svc", svc, "Reserved for background service invocation (also -svc)");
    app.add_flag("--version", version, "Print the version and exit");
    app.add_flag("--print-config", print_config,
                 "Print the effective configuration (files, -o and options merged) as YAML, secrets redacted, "
                 "and exit");
    opt("--log-format", log_format, "Log line format: text (default) or json", "<text|json>");
  }

  // McMaster shows azbridge's value names in CONSTANT_CASE; CLI11 would say TEXT.
  template <class T>
  CLI::Option* opt(const char* names, T& target, const char* description, const char* value_name) {
    return app.add_option(names, target, description)->type_name(value_name);
  }

  std::optional<std::string> single(std::size_t index, const std::string& value) const {
    if (singles[index]->count() == 0) return std::nullopt;
    return value;
  }
};

}  // namespace

std::span<const option_spec> main_options() { return specs; }

parsed_command_line parse_command_line(const std::vector<std::string>& args) {
  auto canonical = normalize_argv(args, specs);
  auto model = std::make_unique<app_model>();
  std::vector<char*> argv;
  std::string program = "azbridge";
  argv.push_back(program.data());
  for (auto& t : canonical) argv.push_back(t.data());

  parsed_command_line result;
  try {
    model->app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    result.help = true;
    return result;
  } catch (const CLI::ParseError& e) {
    throw usage_error(e.what());
  }
  auto& m = *model;
  auto& cl = result.options;
  cl.keep_alive_interval = m.single(0, m.a);
  cl.bind_address = m.single(1, m.b);
  cl.endpoint_uri = m.single(2, m.e);
  cl.config_file = m.single(3, m.f);
  cl.log_file = m.single(4, m.l);
  cl.shared_access_key_name = m.single(5, m.K);
  cl.shared_access_key = m.single(6, m.k);
  cl.signature = m.single(7, m.s);
  cl.connection_string = m.single(8, m.x);
  cl.gateway_ports = m.g;
  cl.quiet = m.q;
  cl.verbose = m.v;
  cl.local_forwards = m.L;
  cl.remote_forwards_legacy = m.R;
  cl.remote_forwards = m.T;
  cl.remote_http_forwards = m.H;
  cl.options = m.o;
  result.version = m.version;
  result.print_config = m.print_config;
  result.service = m.svc;
  if (m.log_format != "text" && m.log_format != "json") {
    throw usage_error(fmt::format("Invalid --log-format value '{}'. Must be 'text' or 'json'", m.log_format));
  }
  result.log_format = m.log_format;
  return result;
}

std::string help_text() {
  app_model model;
  return model.app.help();
}

}  // namespace azbridge::cli
