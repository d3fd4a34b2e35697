// A TLS stream in which OpenSSL reads and writes the socket itself.
//
// asio::ssl::stream runs OpenSSL over a BIO pair: every byte is copied from Asio's buffer into the pair, from
// the pair into OpenSSL's record buffer, and back out the same way when sending, and each stream holds two
// zero-filled 17 KiB vectors plus the pair's two 17 KiB buffers for its whole life. A relayed connection has
// one TLS stream at each forwarder and two at the relay, so that was most of the memory of a held connection
// and a third of the instructions per byte. Here OpenSSL's BIO is the socket (non-blocking send/recv), so a
// byte is copied once each way (kernel <-> OpenSSL's record buffer, which SSL_MODE_RELEASE_BUFFERS frees
// whenever it is empty), and an idle stream holds no buffer of its own.
//
// Waiting still goes through the beast::tcp_stream underneath, so its expiry (expires_after) bounds every TLS
// operation as it did with asio::ssl::stream:
//   - when OpenSSL wants input, the stream reads a few bytes through tcp_stream into a small side buffer,
//     which the BIO hands to OpenSSL before it reads the socket again;
//   - what the socket does not take at once is kept and written through tcp_stream before the operation that
//     produced it completes (a write, the handshake, the shutdown), so back-pressure is kept: a write never
//     completes while its record is still in our memory. Output produced while reading (a TLS 1.3 KeyUpdate
//     answer that met a full socket) is sent with the next write, which RFC 8446 §4.6.3 allows.
// Renegotiation is refused, so a write never has to read.
//
// The interface is the part of asio::ssl::stream<beast::tcp_stream> that Beast and our code use: Beast's
// WebSocket and HTTP work on it unchanged. One read and one write may be in progress at the same time (the two
// directions of a WebSocket); a handshake or shutdown runs alone. Moving is allowed when nothing is pending.
#pragma once

#include "azbridge/net/asio.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

typedef struct ssl_st SSL;

namespace azbridge::net {

class tls_stream {
 public:
  using next_layer_type = beast::tcp_stream;
  using lowest_layer_type = beast::tcp_stream;
  using executor_type = beast::tcp_stream::executor_type;
  using native_handle_type = SSL*;

  /// A client or server TLS stream (the role is chosen by async_handshake) on a connected TCP stream.
  tls_stream(beast::tcp_stream&& next, ssl::context& ctx);
  tls_stream(tls_stream&&) noexcept;
  tls_stream& operator=(tls_stream&&) noexcept;
  ~tls_stream();

  executor_type get_executor() noexcept { return core_->next.get_executor(); }
  beast::tcp_stream& next_layer() noexcept { return core_->next; }
  const beast::tcp_stream& next_layer() const noexcept { return core_->next; }
  SSL* native_handle() noexcept { return core_->ssl; }

  template <class Token>
  auto async_handshake(ssl::stream_base::handshake_type type, Token&& token) {
    prepare_handshake(type);
    return start<operation::handshake>(asio::const_buffer{}, std::forward<Token>(token));
  }
  /// Sends close_notify and waits for the peer's (data that arrives first is discarded).
  template <class Token>
  auto async_shutdown(Token&& token) {
    return start<operation::shutdown>(asio::const_buffer{}, std::forward<Token>(token));
  }
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return start<operation::read>(first_buffer<asio::mutable_buffer>(buffers), std::forward<Token>(token));
  }
  /// Writes as many 16 KiB records as the socket takes at once (at least one). A sequence of small buffers
  /// (Beast's HTTP serializer hands over a buffer per header line) is gathered into one record first: a record
  /// and a send() per piece would cost the peer a wake-up each.
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    asio::const_buffer first = first_buffer<asio::const_buffer>(buffers);
    if (first.size() < record_bytes && asio::buffer_size(buffers) > first.size()) {
      auto& staging = core_->staging;
      staging.resize(std::min(asio::buffer_size(buffers), record_bytes));
      staging.resize(asio::buffer_copy(asio::buffer(staging), buffers));
      first = asio::buffer(staging);
    }
    return start<operation::write>(first, std::forward<Token>(token));
  }

 private:
  enum class operation { handshake, shutdown, read, write };
  static constexpr std::size_t record_bytes = 16 * 1024;  // TLS plaintext per record

  // What one non-blocking OpenSSL call came to.
  struct step {
    bool want_input = false;  // OpenSSL needs bytes from the peer: wait for them, then call again
    error_code ec;
    std::size_t bytes = 0;
  };

  // Everything the BIO callbacks reach lives here, at a fixed address, so the stream itself can move.
  struct core {
    explicit core(beast::tcp_stream&& n) : next(std::move(n)) {}
    beast::tcp_stream next;
    SSL* ssl = nullptr;
    // Bytes read through tcp_stream while waiting for input: [side_pos, side_len) are not yet given to OpenSSL.
    std::array<std::uint8_t, 512> side{};
    std::size_t side_pos = 0;
    std::size_t side_len = 0;
    // Output the socket did not take at once, in order: `sending` is being written, `pending` comes after it.
    std::vector<std::uint8_t> pending;
    std::vector<std::uint8_t> sending;
    std::vector<std::uint8_t> staging;  // small buffers of one write gathered (encrypted before the write returns)
    bool flushing = false;
    bool gather = false;  // in a handshake: records wait for the end of their flight (BIO flush)
    int last_errno = 0;  // of the last failed send/recv, for SSL_ERROR_SYSCALL
  };

  void prepare_handshake(ssl::stream_base::handshake_type type);
  static step perform(core& c, operation op, void* data, std::size_t size);

  template <class Buffer, class Buffers>
  static Buffer first_buffer(const Buffers& buffers) {
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
      Buffer b(*it);
      if (b.size() != 0) return b;
    }
    return Buffer{};
  }

  // One operation: call OpenSSL, write out what it produced, wait for input when it asks, repeat.
  template <operation Op, class Buffer>
  struct op {
    core* c;
    Buffer buffer;
    enum { starting, flushing, waiting, posted } phase = starting;
    bool went_async = false;
    step result{};

    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t n = 0) {
      switch (phase) {
        case starting:
          break;
        case flushing:
          went_async = true;
          c->flushing = false;
          c->sending.clear();
          if (ec) return finish(self, ec, 0);
          if (flush(self)) return;  // output added meanwhile
          if (!result.want_input) return finish(self, result.ec, result.bytes);
          return wait(self);
        case waiting:
          went_async = true;
          // End of stream: OpenSSL must see it (it tells a close_notify from a truncation); the socket is
          // still open. Any other failure (timeout, abort) may have closed the socket: stop here.
          if (ec && ec != asio::error::eof) return finish(self, ec, 0);
          c->side_pos = 0;
          c->side_len = n;
          break;
        case posted:
          return deliver(self, result.ec, result.bytes);
      }
      if (transfers && buffer.size() == 0)
        return finish(self, {}, 0);  // nothing to read or write: as asio::ssl::stream, complete at once
      result = perform(*c, Op, const_cast<void*>(static_cast<const void*>(buffer.data())), buffer.size());
      // A read leaves output produced on the way for the next write (one writer on the socket at a time).
      if (Op != operation::read && flush(self)) return;
      if (result.want_input) return wait(self);
      finish(self, result.ec, result.bytes);
    }

    template <class Self>
    bool flush(Self& self) {
      if (c->pending.empty() || c->flushing) return false;
      c->flushing = true;
      c->sending.swap(c->pending);
      phase = flushing;
      asio::async_write(c->next, asio::buffer(c->sending), std::move(self));
      return true;
    }
    template <class Self>
    void wait(Self& self) {
      phase = waiting;
      c->next.async_read_some(asio::buffer(c->side), std::move(self));
    }
    static constexpr bool transfers = Op == operation::read || Op == operation::write;

    template <class Self>
    static void deliver(Self& self, error_code ec, std::size_t n) {
      if constexpr (transfers) {
        self.complete(ec, n);
      } else {
        self.complete(ec);
      }
    }
    template <class Self>
    void finish(Self& self, error_code ec, std::size_t n) {
      // The gathered plaintext was encrypted by now; a held connection keeps no buffer for it.
      if (Op == operation::write && c->staging.capacity() != 0) std::vector<std::uint8_t>().swap(c->staging);
      if (went_async) return deliver(self, ec, n);
      // Never complete inside the initiating call (Asio's rule; Beast relies on it).
      result.ec = ec;
      result.bytes = n;
      phase = posted;
      asio::post(std::move(self));
    }
  };

  // Handshake and shutdown complete with void(error_code), reads and writes with void(error_code, size_t),
  // as on asio::ssl::stream.
  template <operation Op, class Buffer, class Token>
  auto start(Buffer buffer, Token&& token) {
    using signature =
        std::conditional_t<op<Op, Buffer>::transfers, void(error_code, std::size_t), void(error_code)>;
    return asio::async_compose<Token, signature>(op<Op, Buffer>{core_.get(), buffer}, token, core_->next);
  }

  std::unique_ptr<core> core_;
};

// Beast's WebSocket closes the TLS layer through these (found by argument-dependent lookup).
template <class Handler>
void async_teardown(beast::role_type, tls_stream& stream, Handler&& handler) {
  auto ex = asio::get_associated_executor(handler, stream.get_executor());
  stream.async_shutdown(asio::bind_executor(ex, [h = std::forward<Handler>(handler)](error_code ec) mutable {
    std::move(h)(ec);
  }));
}
/// The blocking form (Beast's synchronous close, which we do not use): sends close_notify if the socket takes it.
void teardown(beast::role_type role, tls_stream& stream, error_code& ec);

}  // namespace azbridge::net
