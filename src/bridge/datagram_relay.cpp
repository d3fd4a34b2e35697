#include "datagram_relay.hpp"

#include "azbridge/protocol/udp_framing.hpp"
#include "azbridge/util/log.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <optional>
#include <vector>

namespace azbridge::bridge::detail {

namespace asio = net::asio;
namespace udp = protocol::udp;
using net::error_code;
using net::nothrow;
using clock = std::chrono::steady_clock;

frame_buffer make_datagram_buffer() { return frame_buffer(udp::max_frame); }

net::awaitable<error_code> send_datagram(ws_channel& ch, frame_buffer& buffer, std::size_t payload_size) {
  std::error_code fec;
  auto prefix = udp::encode_prefix(payload_size, fec);
  if (fec) co_return error_code(asio::error::message_size);
  buffer.payload()[0] = prefix[0];
  buffer.payload()[1] = prefix[1];
  co_return co_await ch.write(buffer, payload_size + udp::length_prefix_size);
}

net::awaitable<error_code> receive_datagrams(ws_channel& ch,
                                             const std::function<void(std::span<const std::uint8_t>)>& deliver,
                                             std::uint64_t& received, std::uint64_t& malformed) {
  std::vector<std::uint8_t> message(udp::max_frame);
  for (;;) {
    auto [ec, n] = co_await ch.read_message(message);
    if (ec == ws_channel::message_size()) {
      ++malformed;
      continue;
    }
    if (ec) co_return ec;
    std::error_code fec;
    auto payload = udp::decode_frame({message.data(), n}, fec);
    if (fec) {
      ++malformed;  // a split or coalesced frame: drop this message, the next one stands alone
      continue;
    }
    ++received;
    deliver(payload);
  }
}

net::awaitable<void> serve_udp_target(runtime& rt, ws_channel ch, asio::ip::udp::socket target, std::string what) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  const auto started = clock::now();
  auto last_activity = clock::now();
  bool done = false;
  bool stopped = false;
  std::uint64_t to_target = 0, from_target = 0, malformed = 0;
  asio::steady_timer idle(ex);

  auto end_all = [&] {
    done = true;
    error_code ignored;
    target.close(ignored);
    idle.cancel();
  };
  registration reg(rt.connections, [&] {
    stopped = true;
    end_all();
  });

  auto relay_to_target = [&]() -> net::awaitable<void> {
    std::uint64_t received = 0;
    // A named local, not a temporary inside the co_await expression (GCC 12 destroys those twice).
    const std::function<void(std::span<const std::uint8_t>)> deliver = [&](std::span<const std::uint8_t> datagram) {
      last_activity = clock::now();
      error_code sec;
      target.send(asio::buffer(datagram.data(), datagram.size()), 0, sec);  // UDP: a full buffer drops
      if (!sec) ++to_target;
    };
    auto ec = co_await receive_datagrams(ch, deliver, received, malformed);
    (void)ec;
    end_all();
  };
  auto target_to_relay = [&]() -> net::awaitable<void> {
    auto buffer = make_datagram_buffer();
    while (!done) {
      auto [ec, n] = co_await target.async_receive(
          asio::buffer(buffer.payload() + udp::length_prefix_size, udp::max_payload), nothrow);
      if (done) break;
      if (ec == asio::error::connection_refused) continue;  // ICMP port unreachable from an earlier send
      if (ec) break;
      last_activity = clock::now();
      if (co_await send_datagram(ch, buffer, n)) break;
      ++from_target;
    }
    end_all();
  };
  auto expiry = [&]() -> net::awaitable<void> {
    while (!done) {
      idle.expires_at(last_activity + udp_idle_expiry);
      co_await idle.async_wait(nothrow);
      if (!done && clock::now() - last_activity >= udp_idle_expiry) {
        log::info("RemoteForwardUdpIdle", "{}: no datagram for 4 minutes", what);
        end_all();
      }
    }
  };
  // The relay reader ends only through the channel: once the other loops are done, close our side and give
  // the peer the grace period to answer.
  std::optional<watchdog> grace;
  auto watcher = [&]() -> net::awaitable<void> {
    co_await (target_to_relay() && expiry());
    if (!ch.close_sent()) co_await ch.close_output();
    grace.emplace(ex, rt.pump.close_grace, [ch]() mutable { ch.abort(); });
  };
  co_await (relay_to_target() && watcher());
  co_await ch.finish(rt.pump.close_grace);
  log::info("RemoteForwardBridgeConnectionStop", "{} closed after {}: {} datagrams to the target, {} from it{}{}", what,
            human_duration(clock::now() - started), to_target, from_target,
            malformed ? fmt::format(", {} malformed messages dropped", malformed) : std::string(),
            stopped ? " (stopped)" : "");
}

}  // namespace azbridge::bridge::detail
