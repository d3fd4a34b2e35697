// Where the relay client gets the token it sends in `ServiceBusAuthorization`.
//
// Three providers exist: a SAS token signed from a key name and key (cached per audience, replaced once
// 80 % of its lifetime has passed), a pre-issued SAS token (-s, sent as given), and none
// (NoAuthentication: no header at all). An Entra ID provider (JWT from a credential chain) plugs in by
// implementing token_provider; nothing else in the client changes.
//
// Tokens are secrets: never log `access_token::value`.
#pragma once

#include "azbridge/net/asio.hpp"
#include "azbridge/relay_client/renewal.hpp"
#include "azbridge/util/expected.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace azbridge::relay_client {

struct access_token {
  std::string value;                  // header value; empty: send no ServiceBusAuthorization header
  wall_clock::time_point issued_at{};   // when the provider made (or received) it
  wall_clock::time_point expires_at = wall_clock::time_point::max();  // max(): never expires

  bool empty() const noexcept { return value.empty(); }
  bool expires() const noexcept { return expires_at != wall_clock::time_point::max(); }
};

class token_provider {
 public:
  virtual ~token_provider() = default;

  /// A token for `audience`, the resource URI "sb://host[:port]/{entity path}" (protocol::make_resource_uri).
  /// May suspend (an Entra ID provider fetches over the network). Failure: a message for the user.
  virtual net::awaitable<expected<access_token>> get_token(std::string audience) = 0;

  /// A short description for logs ("SAS key rule 'send'", "pre-issued SAS", "no authentication").
  virtual std::string describe() const = 0;
};

/// Signs SAS tokens with protocol::sas::make_token (ttl per token, 60 min like the SDK). Thread-safe.
std::shared_ptr<token_provider> make_sas_key_provider(std::string key_name, std::string key,
                                                      std::chrono::seconds ttl = std::chrono::minutes(60),
                                                      double refresh_fraction = default_renew_fraction);

/// A pre-issued "SharedAccessSignature sr=...&sig=...&se=...&skn=..." sent as given. Fails when the text is
/// not such a token (the message never contains the token).
expected<std::shared_ptr<token_provider>> make_static_sas_provider(std::string token);

/// No authentication: senders to hybrid connections that allow anonymous clients.
std::shared_ptr<token_provider> make_no_auth_provider();

}  // namespace azbridge::relay_client
