#include "azbridge/net/tls_stream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace azbridge::net {

namespace {

// ---- the BIO: OpenSSL's reads and writes go straight to the socket (see tls_stream.hpp)

template <class Core>
int socket_of(Core& c) {
  return c.next.socket().is_open() ? c.next.socket().native_handle() : -1;
}

// Sends what the socket takes at once; 0 when it takes nothing now, -1 (errno kept) when it failed.
template <class Core>
ssize_t send_now(Core& c, const char* data, std::size_t size) {
  const int fd = socket_of(c);
  if (fd < 0) {
    c.last_errno = EBADF;
    return -1;
  }
  for (;;) {
    ssize_t n = ::send(fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    c.last_errno = errno;
    return -1;
  }
}

template <class Core>
int bio_write_impl(BIO* bio, const char* data, int size) {
  auto& c = *static_cast<Core*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  std::size_t sent = 0;
  const std::size_t want = static_cast<std::size_t>(size);
  // Keep the order: nothing goes out directly while earlier output is still waiting. During a handshake the
  // records of a flight (ServerHello, EncryptedExtensions, Certificate, ..., Finished) are gathered and sent
  // together when OpenSSL flushes the flight: one segment and one wake-up of the peer, not one per record.
  if (!c.flushing && c.pending.empty() && !c.gather) {
    ssize_t n = send_now(c, data, want);
    if (n < 0) return -1;
    sent = static_cast<std::size_t>(n);
  }
  // The rest is taken over and written by the operation before it completes: OpenSSL never has to retry.
  c.pending.insert(c.pending.end(), data + sent, data + want);
  return size;
}

// Sends as much of the gathered output as the socket takes at once (the operation writes the rest).
template <class Core>
bool send_gathered(Core& c) {
  if (c.flushing || c.pending.empty()) return true;
  ssize_t n = send_now(c, reinterpret_cast<const char*>(c.pending.data()), c.pending.size());
  if (n < 0) return false;
  c.pending.erase(c.pending.begin(), c.pending.begin() + n);
  return true;
}

template <class Core>
int bio_read_impl(BIO* bio, char* out, int size) {
  auto& c = *static_cast<Core*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (size <= 0) return 0;
  if (c.side_pos < c.side_len) {
    std::size_t n = std::min(c.side_len - c.side_pos, static_cast<std::size_t>(size));
    std::memcpy(out, c.side.data() + c.side_pos, n);
    c.side_pos += n;
    return static_cast<int>(n);
  }
  const int fd = socket_of(c);
  if (fd < 0) {
    c.last_errno = EBADF;
    return -1;
  }
  for (;;) {
    ssize_t n = ::recv(fd, out, static_cast<std::size_t>(size), MSG_DONTWAIT);
    if (n >= 0) return static_cast<int>(n);  // 0: the peer's FIN
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_read(bio);
      return -1;
    }
    c.last_errno = errno;
    return -1;
  }
}

constexpr std::size_t read_buffer_bytes = 4 * (16 * 1024 + 256);

template <class Core>
long bio_ctrl_impl(BIO* bio, int cmd, long, void*) {
  if (cmd != BIO_CTRL_FLUSH) return 0;
  // The end of a handshake flight: send what was gathered.
  return send_gathered(*static_cast<Core*>(BIO_get_data(bio))) ? 1 : 0;
}

error_code ssl_failure() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
    return ssl::error::stream_truncated;
  if (e == 0) return ssl::error::unspecified_system_error;
  return {static_cast<int>(e), asio::error::get_ssl_category()};
}

}  // namespace

// The BIO method needs the core type, which is private to tls_stream: built once from inside the class scope.
struct tls_stream_bio {
  template <class Core>
  static BIO_METHOD* method() {
    static BIO_METHOD* const m = [] {
      BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "azbridge socket");
      if (made == nullptr || BIO_meth_set_write(made, bio_write_impl<Core>) != 1 ||
          BIO_meth_set_read(made, bio_read_impl<Core>) != 1 || BIO_meth_set_ctrl(made, bio_ctrl_impl<Core>) != 1) {
        throw std::runtime_error("OpenSSL: cannot create the socket BIO method");
      }
      return made;
    }();
    return m;
  }
};

tls_stream::tls_stream(beast::tcp_stream&& next, ssl::context& ctx) : core_(std::make_unique<core>(std::move(next))) {
  core_->ssl = SSL_new(ctx.native_handle());
  if (core_->ssl == nullptr) throw std::runtime_error("OpenSSL: SSL_new failed");
  BIO* bio = BIO_new(tls_stream_bio::method<core>());
  if (bio == nullptr) {
    SSL_free(core_->ssl);
    throw std::runtime_error("OpenSSL: BIO_new failed");
  }
  BIO_set_data(bio, core_.get());
  BIO_set_init(bio, 1);
  SSL_set_bio(core_->ssl, bio, bio);  // the SSL owns the BIO
  // Partial writes: one record per SSL_write, so perform() can stop between records when the socket is full
  // (what we hold stays one record). Release buffers: OpenSSL's 17 KiB record
  // buffers exist only while a record is in them, so an idle connection holds none. Read-ahead: one recv
  // takes the header and body of a record (and what follows it), not two.
  SSL_set_mode(core_->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  SSL_set_options(core_->ssl, SSL_OP_NO_RENEGOTIATION);
  SSL_set_read_ahead(core_->ssl, 1);
  // With read-ahead, one recv fills this much of the record buffer: up to four full records per system call.
  SSL_set_default_read_buffer_len(core_->ssl, read_buffer_bytes);
}

tls_stream::tls_stream(tls_stream&&) noexcept = default;
tls_stream& tls_stream::operator=(tls_stream&& other) noexcept {
  if (this != &other) {
    if (core_ && core_->ssl) SSL_free(core_->ssl);
    core_ = std::move(other.core_);
  }
  return *this;
}

tls_stream::~tls_stream() {
  if (core_ && core_->ssl) SSL_free(core_->ssl);
}

void tls_stream::prepare_handshake(ssl::stream_base::handshake_type type) {
  if (type == ssl::stream_base::client) {
    SSL_set_connect_state(core_->ssl);
  } else {
    SSL_set_accept_state(core_->ssl);
  }
}

tls_stream::step tls_stream::perform(core& c, operation op, void* data, std::size_t size) {
  ERR_clear_error();
  c.last_errno = 0;
  SSL* ssl = c.ssl;
  std::size_t n = 0;
  int r = 0;
  switch (op) {
    case operation::handshake:
      c.gather = true;
      r = SSL_do_handshake(ssl);
      c.gather = false;
      if (!send_gathered(c) && r == 1) r = -1;  // a flight without a flush (not seen, but cheap to cover)
      break;
    case operation::read:
      r = SSL_read_ex(ssl, data, size, &n);
      // Records that are already in OpenSSL's buffer join this read (no system call): a bulk transfer hands
      // its reader up to the whole buffer per operation instead of one 16 KiB record.
      while (r == 1 && n < size && SSL_has_pending(ssl) == 1) {
        std::size_t more = 0;
        if (SSL_read_ex(ssl, static_cast<std::uint8_t*>(data) + n, size - n, &more) != 1) break;  // again next time
        n += more;
      }
      break;
    case operation::write:
      r = SSL_write_ex(ssl, data, size, &n);
      // One record per SSL_write (partial writes); go on while the socket takes them at once, so a 64 KiB
      // WebSocket message is one operation, not four. Output the socket did not take ends the loop: it is
      // written before this operation completes, which bounds what we hold to one record.
      while (r == 1 && n < size && c.pending.empty()) {
        std::size_t more = 0;
        if (SSL_write_ex(ssl, static_cast<const std::uint8_t*>(data) + n, size - n, &more) != 1) break;
        n += more;
      }
      break;
    case operation::shutdown: {
      if ((SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN) == 0) {
        r = SSL_shutdown(ssl);
        if (r == 1) return {};  // the peer's close_notify had arrived already
        if (r < 0) break;
      }
      // Our close_notify is out; wait for the peer's, discarding what comes before it.
      std::array<std::uint8_t, 512> sink;
      do {
        r = SSL_read_ex(ssl, sink.data(), sink.size(), &n);
      } while (r == 1);
      if (SSL_get_error(ssl, r) == SSL_ERROR_ZERO_RETURN) return {};
      n = 0;
      break;
    }
  }
  if (r == 1) return {false, {}, n};
  switch (SSL_get_error(ssl, r)) {
    case SSL_ERROR_WANT_READ:
      // A write that wants to read is a renegotiation, which we refuse (SSL_OP_NO_RENEGOTIATION).
      if (op == operation::write) return {false, asio::error::operation_not_supported, 0};
      return {true, {}, 0};
    case SSL_ERROR_ZERO_RETURN:
      return {false, asio::error::eof, 0};
    case SSL_ERROR_SYSCALL:
    {
      if (c.last_errno != 0) return {false, error_code(c.last_errno, boost::system::system_category()), 0};
      // No errno and no OpenSSL error: the peer closed TCP without close_notify.
      error_code e = ssl_failure();
      return {false, e == ssl::error::unspecified_system_error ? error_code(ssl::error::stream_truncated) : e, 0};
    }
    default:
      return {false, ssl_failure(), 0};
  }
}

void teardown(beast::role_type, tls_stream& stream, error_code& ec) {
  ERR_clear_error();
  SSL_shutdown(stream.native_handle());
  ERR_clear_error();
  ec = {};
}

}  // namespace azbridge::net
