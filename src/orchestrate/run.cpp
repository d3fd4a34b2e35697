#include "azbridge/orchestrate/run.hpp"

#include "azbridge/net/tls.hpp"
#include "azbridge/orchestrate/dry_run.hpp"
#include "azbridge/orchestrate/identity/credentials.hpp"
#include "azbridge/orchestrate/output.hpp"
#include "azbridge/orchestrate/redact.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>

#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

namespace azbridge::orchestrate {
namespace {

namespace json = boost::json;
using namespace std::chrono;

struct printed_requests {
  bool as_json = false;
  json::array collected;
  int count = 0;

  void add(const http_request& r) {
    ++count;
    if (as_json) {
      json::object headers;
      for (const auto& [k, v] : redact_headers(r.headers)) headers[k] = v;
      json::object o{{"method", r.method}, {"url", redact_url(r.url)}, {"headers", std::move(headers)}};
      if (!r.body.empty()) {
        auto body = redact_body(r.header("Content-Type"), r.body);
        boost::system::error_code ec;
        auto v = json::parse(body, ec);
        o["body"] = ec ? json::value(json::string(body)) : v;
      }
      collected.push_back(std::move(o));
    } else {
      fmt::print(stdout, "# request {}: {}\n{}\n\n", count, r.what, describe_request(r, true));
    }
  }
};

net::awaitable<std::string> execute(orchestrator& o, const run_options& opt) {
  if (opt.command == "open") co_return render(co_await o.open(opt.device), opt.json);
  if (opt.command == "close") co_return render(co_await o.close(opt.device), opt.json);
  if (opt.command == "status") co_return render(co_await o.status(opt.device), opt.json);
  if (opt.command == "sweep") co_return render(co_await o.sweep(), opt.json);
  throw error(exit_code::usage, "unknown orchestrate command " + opt.command);
}

}  // namespace

int run(const settings& s, const run_options& opt) {
  progress prog(stderr, ::isatty(STDERR_FILENO) == 1, opt.quiet);
  auto fail = [&](exit_code code, std::string_view message) {
    fmt::print(stderr, "azbridge orchestrate: {}\n", redact_text(message));
    if (opt.json) fmt::print(stdout, "{}", render_error_json(code, redact_text(message)));
    std::fflush(stdout);
    return static_cast<int>(code);
  };

  try {
    require_for(s, opt.command);
    if ((opt.command == "open" || opt.command == "close") && opt.device.empty()) {
      throw error(exit_code::usage, fmt::format("orchestrate {} needs --device", opt.command));
    }
    auto cred_kind = identity::parse_credential_kind(s.credential);
    if (!cred_kind) throw error(exit_code::usage, "unknown --credential " + s.credential);

    std::optional<iothub::connection_string> hub_cs;
    std::string hub_host = s.iothub_host;
    if (!s.iothub_connection_string.empty()) {
      auto parsed = iothub::connection_string::parse(s.iothub_connection_string);
      if (!parsed) throw error(exit_code::usage, parsed.error());
      hub_cs = *parsed;
      hub_host = parsed->host_name;
    }

    boost::asio::io_context io;
    auto tls = net::make_client_context();
    printed_requests printed{opt.json, {}, 0};
    std::unique_ptr<http_transport> transport;
    if (opt.dry_run) {
      transport = std::make_unique<dry_run_transport>([&printed](const http_request& r) { printed.add(r); });
    } else {
      transport = std::make_unique<beast_transport>(tls);
    }
    http_client http(*transport);
    if (opt.verbose && !opt.dry_run) {
      http.set_observer([&prog](const http_event& e) {
        switch (e.kind) {
          case http_event::sending:
            prog.raw("> " + describe_request(e.request, true) + (e.note.empty() ? "" : "\n  (" + e.note + ")"));
            break;
          case http_event::received:
            prog.raw("< " + describe_response(*e.response, true) + (e.note.empty() ? "" : "\n  (" + e.note + ")"));
            break;
          case http_event::failed:
            prog.raw("! " + redact_text(e.note));
            break;
        }
      });
    }

    auto env = identity::identity_environment::from_process();
    if (!s.tenant.empty()) env.tenant_id = s.tenant;
    if (!s.authority_host.empty()) env.authority_host = s.authority_host;
    std::unique_ptr<identity::token_credential> credential;
    if (opt.dry_run) {
      credential = std::make_unique<dry_run_credential>();
    } else {
      identity::credential_options co;
      co.request_timeout = duration_cast<milliseconds>(s.request_timeout);
      credential = identity::make_credential(*cred_kind, http, env, co);
    }

    std::string hub_endpoint = s.iothub_endpoint.empty() ? "https://" + hub_host : s.iothub_endpoint;
    iothub_client hub(http, hub_cs, credential.get(), hub_endpoint, hub_host);
    arm_client arm(http, *credential, s.arm_endpoint, s.arm_scope, duration_cast<milliseconds>(s.request_timeout));
    arm.set_poll_interval(opt.dry_run ? milliseconds(0) : s.poll_interval);
    orchestrator orch(s, prog, hub, arm);

    std::string result;
    std::exception_ptr failure;
    bool interrupted = false;
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      interrupted = true;
      io.stop();
    });
    boost::asio::co_spawn(io, execute(orch, opt), [&](std::exception_ptr e, std::string r) {
      failure = e;
      result = std::move(r);
      signals.cancel();
    });
    io.run();

    if (opt.verbose) prog.raw(fmt::format("credential: {}", credential->describe()));
    if (interrupted) {
      return fail(exit_code::interrupted,
                  opt.device.empty() ? "interrupted" : fmt::format("interrupted; run `azbridge orchestrate close --device {}` to remove what was made", opt.device));
    }
    if (failure) std::rethrow_exception(failure);
    if (opt.dry_run) {
      if (opt.json) {
        boost::system::error_code ec;
        auto r = json::parse(result, ec);
        fmt::print(stdout, "{}\n", json::serialize(json::object{{"dryRun", true}, {"requests", printed.collected},
                                                                 {"result", ec ? json::value(nullptr) : r}}));
      } else {
        fmt::print(stdout, "# dry run: {} request{} not sent; the result would look like:\n{}", printed.count,
                   printed.count == 1 ? "" : "s", result);
      }
    } else {
      fmt::print(stdout, "{}", result);
    }
    std::fflush(stdout);
    return 0;
  } catch (const error& e) {
    return fail(e.code(), e.what());
  } catch (const std::exception& e) {
    return fail(exit_code::failure, fmt::format("unexpected failure: {}", e.what()));
  }
}

}  // namespace azbridge::orchestrate
