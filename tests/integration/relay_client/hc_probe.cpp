// hc_probe: a small Hybrid Connections client built on relay_client, used by the integration tests.
//
//   hc_probe listen --endpoint sb://127.0.0.1:PORT/ --entity hc1 AUTH [--ca FILE] [--keepalive S]
//                   [--liveness-timeout-ms N] [--token-ttl S] [--reject CODE:TEXT]
//       WebSocket senders are echoed (message by message, type kept); HTTP requests are answered 200 with
//       the request body echoed, or, with "X-Response-Bytes: N", N bytes where byte i is i % 251.
//       Prints one line per event on stdout: "STATUS online", "STATUS offline <reason>", "ACCEPTED <id>
//       subprotocol=<p>", "REQUEST <method> <target> <n>". SIGTERM/SIGINT stop it gracefully (exit 0).
//   hc_probe send --endpoint ... --entity hc1 AUTH [--ca FILE] --input FILE --output FILE [--subprotocol P]
//                 [--timeout-ms N]
//       Sends the file in 64 KiB binary messages while reading the echo into --output until as many bytes came
//       back; then closes with 1000. Failure: "ERROR: <message>" on stderr, exit 1.
//   AUTH: --key-name N --key K | --sas TOKEN | --no-auth
#include "azbridge/net/tls.hpp"
#include "azbridge/relay_client/listener.hpp"
#include "azbridge/relay_client/sender.hpp"
#include "azbridge/util/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace azbridge;
namespace asio = net::asio;

namespace {

struct args {
  std::string mode;
  std::map<std::string, std::string> values;
  bool has(const std::string& k) const { return values.count(k) != 0; }
  std::string get(const std::string& k, std::string fallback = {}) const {
    auto it = values.find(k);
    return it == values.end() ? fallback : it->second;
  }
};

args parse(int argc, char** argv) {
  args a;
  if (argc < 2) throw std::runtime_error("usage: hc_probe listen|send --endpoint E --entity N ...");
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.size() < 3 || arg.substr(0, 2) != "--") throw std::runtime_error("unexpected argument " + std::string(arg));
    const std::string k(arg.substr(2));
    if (k == "no-auth" || k == "verbose" || k == "insecure") {
      a.values[k] = "1";
    } else if (i + 1 < argc) {
      a.values[k] = argv[++i];
    } else {
      throw std::runtime_error("missing value for --" + k);
    }
  }
  return a;
}

void say(const std::string& line) {
  std::cout << line << std::endl;  // flushed: the tests read it while we run
}

std::shared_ptr<relay_client::token_provider> make_tokens(const args& a) {
  if (a.has("no-auth")) return relay_client::make_no_auth_provider();
  if (a.has("sas")) {
    auto p = relay_client::make_static_sas_provider(a.get("sas"));
    if (!p) throw std::runtime_error(p.error());
    return *p;
  }
  auto ttl = std::chrono::seconds(std::stoi(a.get("token-ttl", "3600")));
  return relay_client::make_sas_key_provider(a.get("key-name"), a.get("key"), ttl);
}

net::ssl::context make_tls(const args& a) {
  net::client_tls_options o;
  o.ca_file = a.get("ca");
  o.verify = !a.has("insecure");
  return net::make_client_context(o);
}

net::awaitable<void> echo(net::ws_stream ws, relay_client::accept_info info) {
  say("ACCEPTED " + info.id + " subprotocol=" + info.subprotocol);
  std::vector<char> buffer(64 * 1024);
  bool in_message = false;
  for (;;) {
    auto [ec, n] = co_await ws.read_some(asio::buffer(buffer));
    if (ec) break;
    if (!in_message) ws.binary(ws.got_binary());
    const bool fin = ws.is_message_done();
    auto [wec, wn] = co_await ws.write_some(fin, asio::buffer(buffer.data(), n));
    if (wec) break;
    in_message = !fin;
  }
  if (ws.is_open()) co_await ws.close({net::websocket::close_code::normal, "Normal Closure"});
  say("CLOSED " + info.id);
}

net::awaitable<relay_client::http_response> http_echo(relay_client::http_request r) {
  say("REQUEST " + r.method + " " + r.target + " " + std::to_string(r.body.size()) +
      (r.via_rendezvous ? " rendezvous" : " control"));
  relay_client::http_response res;
  res.headers.emplace_back("Content-Type", "application/octet-stream");
  res.headers.emplace_back("X-Request-Method", r.method);
  res.headers.emplace_back("X-Request-Bytes", std::to_string(r.body.size()));
  if (const auto* n = protocol::find_header(r.headers, "X-Response-Bytes")) {
    const auto size = std::stoul(*n);
    res.body.resize(size);
    for (std::size_t i = 0; i < size; ++i) res.body[i] = static_cast<char>(i % 251);
  } else {
    res.body = std::move(r.body);
  }
  co_return res;
}

int run_listen(const args& a) {
  asio::io_context io(1);
  auto tls = make_tls(a);
  relay_client::listener_options o;
  o.endpoint = a.get("endpoint");
  o.entity_path = a.get("entity");
  o.tokens = make_tokens(a);
  o.tls = &tls;
  o.keepalive_interval = std::chrono::seconds(std::stoi(a.get("keepalive", "30")));
  o.liveness_timeout = std::chrono::milliseconds(std::stoi(a.get("liveness-timeout-ms", "0")));
  relay_client::listener_handlers h;
  h.on_accept = echo;
  h.on_request = http_echo;
  if (a.has("reject")) {
    const auto spec = a.get("reject");
    const auto colon = spec.find(':');
    relay_client::rejection r{std::stoi(spec.substr(0, colon)), colon == std::string::npos ? "" : spec.substr(colon + 1)};
    h.decide = [r](const relay_client::accept_info&) { return std::optional<relay_client::rejection>(r); };
  }
  h.on_status = [](const relay_client::listener_status& s) {
    std::string line = "STATUS " + std::string(relay_client::to_string(s.what));
    if (!s.reason.empty()) line += " " + s.reason;
    say(line);
  };
  relay_client::listener l(io.get_executor(), std::move(o), std::move(h));
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](net::error_code ec, int) {
    if (!ec) l.stop();
  });
  asio::co_spawn(io, [&]() -> net::awaitable<void> {
    co_await l.async_run();
    signals.cancel();
    io.stop();  // accepted echo connections end with the process
  }, asio::detached);
  io.run();
  return 0;
}

net::awaitable<void> send_file(const args& a, net::ssl::context& tls, relay_client::token_provider& tokens,
                               const std::string& data, std::ofstream& out, int& status) {
  using namespace asio::experimental::awaitable_operators;
  relay_client::connect_options o;
  if (a.has("subprotocol")) o.subprotocols.push_back(a.get("subprotocol"));
  o.timeout = std::chrono::milliseconds(std::stoi(a.get("timeout-ms", "30000")));
  auto r = co_await relay_client::connect(tls, a.get("endpoint"), a.get("entity"), tokens, o);
  if (!r.stream) {
    std::cerr << "ERROR: " << r.error.message << std::endl;
    co_return;
  }
  say("CONNECTED " + r.tracking_id + " subprotocol=" + r.subprotocol);
  auto& ws = *r.stream;
  asio::steady_timer deadline(ws.get_executor(), o.timeout + std::chrono::seconds(60));
  deadline.async_wait([&ws](net::error_code ec) {
    if (!ec) ws.abort();
  });
  std::size_t received = 0;
  auto writer = [&]() -> net::awaitable<void> {
    for (std::size_t off = 0; off < data.size(); off += 64 * 1024) {
      auto n = std::min<std::size_t>(64 * 1024, data.size() - off);
      auto [ec, w] = co_await ws.write(asio::buffer(data.data() + off, n));
      if (ec) co_return;
    }
  };
  auto reader = [&]() -> net::awaitable<void> {
    std::vector<char> buffer(64 * 1024);
    while (received < data.size()) {
      auto [ec, n] = co_await ws.read_some(asio::buffer(buffer));
      if (ec) co_return;
      out.write(buffer.data(), static_cast<std::streamsize>(n));
      received += n;
    }
  };
  co_await (writer() && reader());
  deadline.cancel();
  out.close();
  if (received != data.size()) {
    std::cerr << "ERROR: received " << received << " of " << data.size() << " bytes" << std::endl;
    co_return;
  }
  auto ec = co_await ws.close({net::websocket::close_code::normal, "Normal Closure"});
  if (ec) std::cerr << "warning: close: " << ec.message() << std::endl;
  say("DONE " + std::to_string(received));
  status = 0;
}

int run_send(const args& a) {
  asio::io_context io(1);
  auto tls = make_tls(a);
  auto tokens = make_tokens(a);
  std::ifstream in(a.get("input"), std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + a.get("input"));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream out(a.get("output"), std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + a.get("output"));
  int status = 1;

  asio::co_spawn(io, send_file(a, tls, *tokens, data, out, status), asio::detached);
  io.run();
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto a = parse(argc, argv);
    log::settings s;
    s.min_level = a.has("verbose") ? log::level::debug : log::level::info;
    log::configure(s);
    if (a.mode == "listen") return run_listen(a);
    if (a.mode == "send") return run_send(a);
    throw std::runtime_error("unknown mode " + a.mode);
  } catch (const std::exception& e) {
    std::cerr << "ERROR: " << e.what() << std::endl;
    return 2;
  }
}
