#include "azbridge/net/ws_channel.hpp"

#include "beast_takeover.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

namespace azbridge::net {

namespace asio = net::asio;
using net::awaitable;
using net::error_code;
using net::nothrow;

namespace {

// Our own error category: "closed" and "protocol error" as values the pump can test.
enum class channel_errc { closed = 1, protocol_error, message_size };

// boost::system::error_category has a public non-virtual destructor by design (categories are never
// deleted through a base pointer); silence the warning for this one derived class.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class channel_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "azbridge.ws_channel"; }
  std::string message(int ev) const override {
    switch (static_cast<channel_errc>(ev)) {
      case channel_errc::closed: return "the peer closed the WebSocket";
      case channel_errc::protocol_error: return "WebSocket protocol violation by the peer";
      case channel_errc::message_size: return "WebSocket message larger than expected";
    }
    return "unknown";
  }
};
#pragma GCC diagnostic pop

const boost::system::error_category& channel_category() {
  static const channel_category_impl instance;
  return instance;
}

}  // namespace

frame_buffer::frame_buffer(std::size_t payload_capacity)
    : mem_(new std::uint8_t[payload_capacity + ws::max_header_size]), capacity_(payload_capacity) {}

error_code ws_channel::closed() { return {static_cast<int>(channel_errc::closed), channel_category()}; }
error_code ws_channel::protocol_error() { return {static_cast<int>(channel_errc::protocol_error), channel_category()}; }
error_code ws_channel::message_size() { return {static_cast<int>(channel_errc::message_size), channel_category()}; }

// A byte buffer that is not zero-filled (std::vector would memset it): its pages become resident only as
// data reaches them, so a held connection with small messages costs a page here, not the whole buffer.
struct raw_bytes {
  explicit raw_bytes(std::size_t bytes) : p(new std::uint8_t[bytes]), n(bytes) {}
  std::uint8_t* data() noexcept { return p.get(); }
  std::size_t size() const noexcept { return n; }
  std::unique_ptr<std::uint8_t[]> p;
  std::size_t n;
};

struct ws_channel::impl : std::enable_shared_from_this<impl> {
  impl(detail::taken_over&& t, const ws_channel_options& o)
      : stream(std::move(t.stream)),
        self(o.self),
        decoder(o.self),
        rbuf(std::max<std::size_t>(o.read_buffer_bytes, 256)),
        gate_wake(executor(), asio::steady_timer::time_point::max()) {
    std::size_t n = std::min(t.leftover.size(), rbuf.size());
    if (n != 0) std::memcpy(rbuf.data(), t.leftover.data(), n);  // an empty vector's data() may be null
    rend = n;
  }

  detail::transport stream;
  ws::role self;
  ws::frame_decoder decoder;

  // Reading: bytes [rpos, rend) of rbuf are received and not yet decoded.
  raw_bytes rbuf;
  std::size_t rpos = 0;
  std::size_t rend = 0;
  // A decoded piece not yet handed out completely (reads with a limit).
  std::span<std::uint8_t> pending_data;
  bool pending_valid = false;
  bool pending_binary = true;
  bool pending_done = false;
  bool wr_in_message = false;  // write_frame: inside a fragmented message

  // Writing: one frame at a time on the wire; the gate orders the data writer and control replies.
  bool gate_busy = false;
  asio::steady_timer gate_wake;  // never expires; cancel() wakes whoever waits for the gate
  bool pong_pending = false;
  std::string pong_payload;
  std::vector<std::uint8_t> small;  // header + payload of small and control messages

  bool sent_close = false;
  bool got_close = false;
  bool aborted = false;
  std::uint16_t peer_code = ws::close_code::no_status;
  std::string peer_reason;

  // Masking keys: a batch of random bytes from OpenSSL, refilled when used up.
  std::array<std::uint8_t, 256> key_pool{};
  std::size_t key_pos = key_pool.size();

  asio::any_io_executor executor() {
    return std::visit([](auto& s) { return asio::any_io_executor(s.get_executor()); }, stream);
  }
  net::beast::tcp_stream& tcp() {
    return std::visit([](auto& s) -> net::beast::tcp_stream& { return net::beast::get_lowest_layer(s); }, stream);
  }

  ws::mask_key next_key() {
    if (key_pos + 4 > key_pool.size()) {
      if (RAND_bytes(key_pool.data(), static_cast<int>(key_pool.size())) != 1) {
        // Keys need only be unpredictable to scripts in a browser; still never reuse a fixed one.
        for (auto& b : key_pool) b = static_cast<std::uint8_t>(b * 131 + 7 + key_pos);
      }
      key_pos = 0;
    }
    ws::mask_key k;
    std::memcpy(k.data(), &key_pool[key_pos], 4);
    key_pos += 4;
    return k;
  }

  awaitable<std::tuple<error_code, std::size_t>> read_transport(asio::mutable_buffer b) {
    return std::visit([&](auto& s) { return s.async_read_some(b, nothrow); }, stream);
  }
  awaitable<std::tuple<error_code, std::size_t>> write_transport(asio::const_buffer b) {
    return std::visit([&](auto& s) { return asio::async_write(s, b, nothrow); }, stream);
  }

  awaitable<void> acquire_gate() {
    while (gate_busy && !aborted) {
      co_await gate_wake.async_wait(nothrow);
    }
    gate_busy = true;
  }
  void release_gate() {
    gate_busy = false;
    gate_wake.cancel();
  }

  // Encodes a whole frame into `small` and writes it. Caller holds the gate.
  awaitable<error_code> write_small(ws::opcode op, std::span<const std::uint8_t> payload) {
    small.resize(ws::max_header_size + payload.size());
    std::span<std::uint8_t, ws::max_header_size> head(small.data(), ws::max_header_size);
    ws::mask_key key{};
    bool masked = self == ws::role::client;
    if (masked) key = next_key();
    std::size_t h = ws::encode_header(head, op, true, payload.size(), masked ? &key : nullptr);
    if (!payload.empty()) std::memcpy(small.data() + h, payload.data(), payload.size());  // {} has a null data()
    if (masked) ws::apply_mask({small.data() + h, payload.size()}, key);
    auto [ec, n] = co_await write_transport(asio::buffer(small.data(), h + payload.size()));
    co_return ec;
  }

  // Sends a pending Pong if any. Caller holds the gate.
  awaitable<error_code> flush_control() {
    error_code ec;
    while (pong_pending && !sent_close && !ec) {
      pong_pending = false;
      std::string payload = std::move(pong_payload);
      ec = co_await write_small(ws::opcode::pong,
                                {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
    }
    co_return ec;
  }

  // Answers a Ping without making the reader wait for a data write in progress.
  void schedule_pong(std::span<const std::uint8_t> payload) {
    pong_payload.assign(reinterpret_cast<const char*>(payload.data()), payload.size());
    pong_pending = true;
    if (gate_busy) return;  // the writer holding the gate sends it when its frame is out
    asio::co_spawn(
        executor(),
        [self = shared_from_this()]() -> awaitable<void> {
          co_await self->acquire_gate();
          auto ec = co_await self->flush_control();
          self->release_gate();
          if (ec) self->abort();
        },
        asio::detached);
  }

  void abort() noexcept {
    aborted = true;
    error_code ignored;
    tcp().socket().shutdown(net::tcp::socket::shutdown_both, ignored);
    tcp().socket().close(ignored);
    gate_wake.cancel();
  }

  awaitable<error_code> send_close(std::uint16_t code, std::string_view reason) {
    co_await acquire_gate();
    error_code ec;
    if (aborted) {
      ec = asio::error::operation_aborted;
    } else if (!sent_close) {
      ec = co_await flush_control();
      if (!ec) {
        sent_close = true;
        auto payload = ws::encode_close_payload(code, reason);
        ec = co_await write_small(ws::opcode::close,
                                  {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
      }
    }
    release_gate();
    co_return ec;
  }

  // Decodes until a piece of data, a Close or an error; reads from the transport when needed.
  awaitable<std::tuple<error_code, ws::frame_decoder::result>> next_data() {
    using result = ws::frame_decoder::result;
    for (;;) {
      if (got_close) co_return std::tuple{ws_channel::closed(), result{}};
      if (aborted) co_return std::tuple{error_code(asio::error::operation_aborted), result{}};
      auto r = decoder.next({rbuf.data() + rpos, rend - rpos});
      rpos += r.consumed;
      switch (r.what) {
        case ws::frame_decoder::kind::data:
          co_return std::tuple{error_code{}, r};
        case ws::frame_decoder::kind::ping:
          schedule_pong(r.payload);
          continue;
        case ws::frame_decoder::kind::pong:
          continue;
        case ws::frame_decoder::kind::close:
          got_close = true;
          peer_code = r.close_code;
          peer_reason.assign(r.close_reason);
          co_return std::tuple{ws_channel::closed(), result{}};
        case ws::frame_decoder::kind::error: {
          co_await send_close(r.error_code, r.error_text);
          co_return std::tuple{ws_channel::protocol_error(), result{}};
        }
        case ws::frame_decoder::kind::need_more:
          break;
      }
      // Keep the partial frame at the front and receive more after it.
      if (rpos == rend) {
        rpos = rend = 0;
      } else if (rpos > 0 && rbuf.size() - rend < 512) {
        std::memmove(rbuf.data(), rbuf.data() + rpos, rend - rpos);
        rend -= rpos;
        rpos = 0;
      }
      auto [ec, n] = co_await read_transport(asio::buffer(rbuf.data() + rend, rbuf.size() - rend));
      if (ec) co_return std::tuple{ec, result{}};
      rend += n;
    }
  }
};

ws_channel ws_channel::adopt(net::ws_stream&& ws, ws_channel_options options) {
  return ws_channel(std::make_shared<impl>(detail::take_over(std::move(ws)), options));
}

awaitable<std::tuple<error_code, ws_channel::piece>> ws_channel::read_piece(std::size_t max_bytes) {
  auto& s = *impl_;
  if (!s.pending_valid) {
    auto [ec, r] = co_await s.next_data();
    if (ec) co_return std::tuple{ec, piece{}};
    s.pending_data = r.payload;
    s.pending_binary = r.message_type != ws::opcode::text;
    s.pending_done = r.message_done;
    s.pending_valid = true;
  }
  piece out;
  auto n = std::min(max_bytes, s.pending_data.size());
  out.data = s.pending_data.first(n);
  out.binary = s.pending_binary;
  s.pending_data = s.pending_data.subspan(n);
  if (s.pending_data.empty()) {
    out.message_done = s.pending_done;
    s.pending_valid = false;
  }
  co_return std::tuple{error_code{}, out};
}

awaitable<std::tuple<error_code, std::span<const std::uint8_t>>> ws_channel::read_some(std::size_t max_bytes) {
  for (;;) {
    auto [ec, p] = co_await read_piece(max_bytes);
    if (ec) co_return std::tuple{ec, std::span<const std::uint8_t>{}};
    if (!p.data.empty()) co_return std::tuple{ec, p.data};  // empty frames carry nothing for a byte stream
  }
}

awaitable<std::tuple<error_code, std::size_t>> ws_channel::read_message(std::span<std::uint8_t> out) {
  std::size_t size = 0;
  bool overflow = false;
  for (;;) {
    auto [ec, p] = co_await read_piece(SIZE_MAX);
    if (ec) co_return std::tuple{ec, size};
    auto fit = std::min(p.data.size(), out.size() - size);
    std::memcpy(out.data() + size, p.data.data(), fit);
    size += fit;
    if (fit < p.data.size()) overflow = true;
    if (p.message_done) break;
  }
  co_return std::tuple{overflow ? message_size() : error_code{}, size};
}

awaitable<error_code> ws_channel::read_exact(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    auto [ec, data] = co_await read_some(out.size() - done);
    if (ec) co_return ec;
    std::memcpy(out.data() + done, data.data(), data.size());
    done += data.size();
  }
  co_return error_code{};
}

awaitable<error_code> ws_channel::write(frame_buffer& buffer, std::size_t size) {
  auto s = impl_;
  co_await s->acquire_gate();
  error_code ec;
  if (s->aborted) {
    ec = asio::error::operation_aborted;
  } else if (s->sent_close) {
    ec = asio::error::shut_down;
  } else {
    ec = co_await s->flush_control();
    if (!ec) {
      std::array<std::uint8_t, ws::max_header_size> head{};
      ws::mask_key key{};
      const bool masked = s->self == ws::role::client;
      if (masked) key = s->next_key();
      std::size_t h = ws::encode_header(head, ws::opcode::binary, true, size, masked ? &key : nullptr);
      if (masked) ws::apply_mask({buffer.payload(), size}, key);
      std::uint8_t* start = buffer.payload() - h;
      std::memcpy(start, head.data(), h);
      auto [wec, n] = co_await s->write_transport(asio::buffer(start, h + size));
      ec = wec;
    }
    if (!ec) ec = co_await s->flush_control();
  }
  s->release_gate();
  co_return ec;
}

awaitable<error_code> ws_channel::write_frame(frame_buffer& buffer, std::size_t size, bool binary, bool fin) {
  auto s = impl_;
  co_await s->acquire_gate();
  error_code ec;
  if (s->aborted) {
    ec = asio::error::operation_aborted;
  } else if (s->sent_close) {
    ec = asio::error::shut_down;
  } else {
    // Control frames may go between the fragments of a message, not inside one frame.
    ec = co_await s->flush_control();
    if (!ec) {
      std::array<std::uint8_t, ws::max_header_size> head{};
      ws::mask_key key{};
      const bool masked = s->self == ws::role::client;
      if (masked) key = s->next_key();
      auto op = s->wr_in_message ? ws::opcode::continuation : (binary ? ws::opcode::binary : ws::opcode::text);
      std::size_t h = ws::encode_header(head, op, fin, size, masked ? &key : nullptr);
      if (masked) ws::apply_mask({buffer.payload(), size}, key);
      std::uint8_t* start = buffer.payload() - h;
      std::memcpy(start, head.data(), h);
      auto [wec, n] = co_await s->write_transport(asio::buffer(start, h + size));
      ec = wec;
      if (!ec) s->wr_in_message = !fin;
    }
    if (!ec) ec = co_await s->flush_control();
  }
  s->release_gate();
  co_return ec;
}

awaitable<error_code> ws_channel::write(std::span<const std::uint8_t> bytes) {
  auto s = impl_;
  co_await s->acquire_gate();
  error_code ec;
  if (s->aborted) {
    ec = asio::error::operation_aborted;
  } else if (s->sent_close) {
    ec = asio::error::shut_down;
  } else {
    ec = co_await s->flush_control();
    if (!ec) ec = co_await s->write_small(ws::opcode::binary, bytes);
  }
  s->release_gate();
  co_return ec;
}

awaitable<error_code> ws_channel::close_output(std::uint16_t code, std::string_view reason) {
  auto s = impl_;
  co_return co_await s->send_close(code, reason);
}

awaitable<error_code> ws_channel::send_keepalive() {
  auto s = impl_;
  co_await s->acquire_gate();
  error_code ec;
  if (s->aborted) {
    ec = asio::error::operation_aborted;
  } else if (!s->sent_close) {
    ec = co_await s->write_small(ws::opcode::pong, {});
  }
  s->release_gate();
  co_return ec;
}

awaitable<void> ws_channel::finish(std::chrono::milliseconds grace) {
  auto s = impl_;
  if (s->aborted) co_return;
  // One watchdog bounds the whole closing sequence: on expiry the socket is closed, which completes
  // every pending step with an error.
  asio::steady_timer watchdog(s->executor(), grace);
  bool done = false;
  watchdog.async_wait([s, &done](error_code ec) {
    if (!ec && !done) s->abort();
  });

  error_code ec = co_await s->send_close(ws::close_code::normal, "Shutdown");
  // Drain until the peer's Close: by now nobody wants its data.
  while (!ec && !s->got_close) {
    auto [rec, discarded] = co_await s->next_data();
    if (rec && rec != ws_channel::closed()) ec = rec;
  }
  if (!ec && !s->aborted) {
    // TLS close_notify both ways, then our FIN, then wait for the peer's FIN before closing: the order
    // RFC 6455 §7.1.1 asks of a client, and no RST from unread bytes.
    if (auto* tls = std::get_if<detail::tls_transport>(&s->stream)) {
      auto [sec] = co_await tls->async_shutdown(nothrow);
      (void)sec;  // a peer that closes TCP without close_notify is fine at this point
    }
    auto& sock = s->tcp().socket();
    error_code ignored;
    sock.shutdown(net::tcp::socket::shutdown_send, ignored);
    std::array<std::uint8_t, 512> sink{};
    for (;;) {
      auto [rec, n] = co_await sock.async_read_some(asio::buffer(sink), nothrow);
      if (rec) break;
    }
    sock.close(ignored);
  } else {
    s->abort();
  }
  done = true;
  watchdog.cancel();
  co_return;
}

void ws_channel::abort() noexcept {
  if (impl_) impl_->abort();
}

bool ws_channel::close_sent() const noexcept { return impl_->sent_close; }
bool ws_channel::close_received() const noexcept { return impl_->got_close; }
std::uint16_t ws_channel::close_code() const noexcept { return impl_->peer_code; }
const std::string& ws_channel::close_reason() const noexcept { return impl_->peer_reason; }
bool ws_channel::is_tls() const noexcept { return impl_->stream.index() == 1; }
net::asio::any_io_executor ws_channel::get_executor() const noexcept { return impl_->executor(); }

std::string ws_channel::remote_endpoint() const {
  error_code ec;
  auto ep = impl_->tcp().socket().remote_endpoint(ec);
  if (ec) return "?";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace azbridge::net
