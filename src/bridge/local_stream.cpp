#include "local_stream.hpp"

#include "azbridge/util/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace azbridge::bridge::detail {

namespace asio = net::asio;
using generic_socket = asio::generic::stream_protocol::socket;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string endpoint_text(const asio::ip::address& a, int port) {
  return a.is_v6() ? fmt::format("[{}]:{}", a.to_string(), port) : fmt::format("{}:{}", a.to_string(), port);
}

// Is something listening on this Unix socket path? (A refused connect means the file is stale.)
bool unix_socket_in_use(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  bool in_use = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return in_use;
}

}  // namespace

expected<asio::ip::address> resolve_bind_address(const std::string& text) {
  auto t = lower(text);
  if (t.size() > 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  if (t.empty() || t == "localhost") return asio::ip::address(asio::ip::address_v4::loopback());
  if (t == "any" || t == "0.0.0.0") return asio::ip::address(asio::ip::address_v4::any());
  if (t == "anyv6" || t == "::") return asio::ip::address(asio::ip::address_v6::any());
  net::error_code ec;
  auto literal = asio::ip::make_address(t, ec);
  if (!ec) return literal;
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  auto results = resolver.resolve(t, "", ec);
  if (ec || results.empty()) {
    return failure{fmt::format("cannot resolve the bind address '{}': {}", text, ec ? ec.message() : "no address")};
  }
  return results.begin()->endpoint().address();
}

local_stream_forwarder::local_stream_forwarder(runtime& rt, const config::local_forward& forward,
                                               const config::local_forward_binding& binding, relay_access access)
    : rt_(rt),
      relay_(forward.relay_name),
      port_name_(binding.effective_port_name()),
      access_(std::move(access)),
      unix_(binding.is_socket()),
      port_(binding.port()) {
  binding_text_ = unix_ ? binding.bind_local_socket : fmt::format("{}:{}", binding.effective_bind_address(), port_);
  if (unix_) unix_path_.clear();
}

local_stream_forwarder::~local_stream_forwarder() { stop(); }

expected<bool> local_stream_forwarder::listen_unix(const std::string& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return failure{fmt::format("cannot listen on '{}': the file exists and is not a socket", path)};
    }
    if (unix_socket_in_use(path)) {
      return failure{fmt::format("cannot listen on '{}': another process is listening on it", path)};
    }
    // A socket file nobody listens on is left over from a process that ended: replace it.
    if (::unlink(path.c_str()) != 0) {
      return failure{fmt::format("cannot remove the stale socket '{}': {}", path, std::strerror(errno))};
    }
    log::info("LocalForwardStaleSocketRemoved", "removed the stale socket file {}", path);
  }
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return failure{fmt::format("cannot listen on '{}': the path is longer than {} bytes", path, sizeof(sockaddr_un::sun_path) - 1)};
  }
  net::error_code ec;
  asio::local::stream_protocol::endpoint ep(path);
  acceptor_ = std::make_unique<generic_acceptor>(rt_.io);
  acceptor_->open(asio::generic::stream_protocol(AF_UNIX, 0), ec);
  if (!ec) acceptor_->bind(asio::generic::stream_protocol::endpoint(ep), ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.reset();
    return failure{fmt::format("cannot listen on '{}': {}", path, ec.message())};
  }
  unix_path_ = path;
  where_ = "unix:" + path;
  return true;
}

expected<bool> local_stream_forwarder::listen() {
  if (port_name_.empty()) {
    return failure{fmt::format("the local forward of '{}' on {} needs a PortName", relay_, binding_text_)};
  }
  if (unix_) return listen_unix(binding_text_);
  auto addr = resolve_bind_address(binding_text_.substr(0, binding_text_.rfind(':')));
  if (!addr) return failure{addr.error()};
  address_ = *addr;
  net::error_code ec;
  asio::ip::tcp::endpoint ep(address_, static_cast<unsigned short>(port_));
  acceptor_ = std::make_unique<generic_acceptor>(rt_.io);
  acceptor_->open(asio::generic::stream_protocol(ep.protocol().family(), IPPROTO_TCP), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(asio::generic::stream_protocol::endpoint(ep), ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.reset();
    return failure{fmt::format("cannot listen on {}: {}", endpoint_text(address_, port_), ec.message())};
  }
  where_ = endpoint_text(address_, port_);
  return true;
}

void local_stream_forwarder::start() {
  log::info("LocalForwardListenerStart", "listening on {} for relay '{}' port '{}'", where_, relay_, port_name_);
  asio::co_spawn(rt_.io, [self = shared_from_this()]() { return self->accept_loop(); }, asio::detached);
}

void local_stream_forwarder::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (acceptor_) {
    net::error_code ignored;
    acceptor_->close(ignored);
  }
  if (!unix_path_.empty()) {
    ::unlink(unix_path_.c_str());
    unix_path_.clear();
  }
}

net::awaitable<void> local_stream_forwarder::accept_loop() {
  auto self = shared_from_this();
  while (!stopped_) {
    auto [ec, client] = co_await acceptor_->async_accept(net::nothrow);
    if (stopped_ || ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of descriptors and the like: say so, and keep serving the others.
      log::warn("LocalForwardSocketAcceptFailed", "accept on {} failed: {}", where_, ec.message());
      asio::steady_timer pause(rt_.io, std::chrono::milliseconds(100));
      co_await pause.async_wait(net::nothrow);
      continue;
    }
    std::string peer = "local client";
    if (!unix_) {
      net::error_code ignored;
      client.set_option(asio::ip::tcp::no_delay(true), ignored);
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      if (::getpeername(client.native_handle(), reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
        if (ss.ss_family == AF_INET) {
          auto* in = reinterpret_cast<sockaddr_in*>(&ss);
          peer = endpoint_text(asio::ip::address_v4(ntohl(in->sin_addr.s_addr)), ntohs(in->sin_port));
        } else if (ss.ss_family == AF_INET6) {
          auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
          asio::ip::address_v6::bytes_type b;
          std::memcpy(b.data(), &in6->sin6_addr, 16);
          peer = endpoint_text(asio::ip::address_v6(b), ntohs(in6->sin6_port));
        }
      }
    } else {
      peer = "client of " + where_;
    }
    asio::co_spawn(rt_.io, serve(std::move(client), std::move(peer)), asio::detached);
  }
}

net::awaitable<void> local_stream_forwarder::serve(generic_socket client, std::string peer) {
  auto self = shared_from_this();
  const auto started = std::chrono::steady_clock::now();
  log::debug("LocalForwardSocketAccepted", "{} connected to {} (relay '{}' port '{}')", peer, where_, relay_, port_name_);

  // While the relayed connection opens, a shutdown closes the client.
  bool opening = true;
  auto early_stop = std::make_unique<registration>(rt_.connections, [&client, &opening] {
    if (opening) {
      net::error_code ignored;
      client.close(ignored);
    }
  });
  auto opened = co_await open_relayed(rt_, access_, protocol::preamble::mode::stream, port_name_);
  opening = false;
  early_stop.reset();
  if (!opened.channel) {
    if (opened.refused) {
      log::error("LocalForwardBridgeConnectionFailed", "{} on {}: relay '{}' refused the connection: {}", peer, where_,
                 relay_, opened.error);
    } else {
      log::error("LocalForwardBridgeConnectionFailed", "{} on {}: cannot reach relay '{}': {}", peer, where_, relay_,
                 opened.error);
    }
    // The client sees an orderly end of stream, never a reset.
    net::error_code ignored;
    client.shutdown(generic_socket::shutdown_send, ignored);
    client.close(ignored);
    co_return;
  }
  auto channel = opened.channel;
  log::info("LocalForwardBridgeConnectionStart", "{} -> relay '{}' port '{}' connected", peer, relay_, port_name_);
  stream_pump pump(std::move(client), channel, rt_.pump);
  registration reg(rt_.connections, [&pump] { pump.stop(); });
  auto r = co_await pump.run();
  const auto took = human_duration(std::chrono::steady_clock::now() - started);
  const bool peer_error = channel.close_received() && channel.close_code() != ws::close_code::normal &&
                          channel.close_code() != ws::close_code::no_status;
  if (!r.ok()) {
    log::warn("LocalForwardBridgeConnectionStop",
              "{} -> relay '{}' port '{}' dropped after {}: {} ({} bytes sent, {} bytes received)", peer, relay_,
              port_name_, took, r.error, r.bytes_to_relay, r.bytes_from_relay);
  } else if (peer_error) {
    log::warn("LocalForwardBridgeConnectionStop",
              "{} -> relay '{}' port '{}' closed by the remote forwarder after {}: {} ({} bytes sent, {} bytes "
              "received)",
              peer, relay_, port_name_, took, channel.close_reason(), r.bytes_to_relay, r.bytes_from_relay);
  } else {
    log::info("LocalForwardBridgeConnectionStop",
              "{} -> relay '{}' port '{}' closed after {}: {} bytes sent, {} bytes received{}", peer, relay_, port_name_,
              took, r.bytes_to_relay, r.bytes_from_relay, r.stopped ? " (stopped)" : "");
  }
}

}  // namespace azbridge::bridge::detail
