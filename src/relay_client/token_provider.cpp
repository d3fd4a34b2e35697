#include "azbridge/relay_client/token_provider.hpp"

#include "azbridge/protocol/sas.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>

namespace azbridge::relay_client {
namespace {

class sas_key_provider final : public token_provider {
 public:
  sas_key_provider(std::string key_name, std::string key, std::chrono::seconds ttl, double refresh_fraction)
      : key_name_(std::move(key_name)), key_(std::move(key)), ttl_(ttl), refresh_fraction_(refresh_fraction) {}

  net::awaitable<expected<access_token>> get_token(std::string audience) override {
    if (auto bad = protocol::sas::check_key(key_name_, key_)) co_return failure{*bad};
    co_return token_for(audience);
  }

  std::string describe() const override { return fmt::format("SAS key rule '{}'", key_name_); }

 private:
  access_token token_for(const std::string& audience) {
    const auto now = wall_clock::now();
    std::lock_guard lock(mutex_);
    auto it = cache_.find(audience);
    if (it != cache_.end() && !refresh_due(it->second.issued_at, it->second.expires_at, now, refresh_fraction_)) {
      return it->second;
    }
    // SAS expiry has one-second resolution; round up so a token is never shorter than asked for.
    const auto expiry = std::chrono::ceil<std::chrono::seconds>(now + ttl_);
    access_token t;
    t.value = protocol::sas::make_token(audience, key_name_, key_, expiry.time_since_epoch().count());
    t.issued_at = now;
    t.expires_at = expiry;
    cache_[audience] = t;
    return t;
  }

  std::string key_name_;
  std::string key_;
  std::chrono::seconds ttl_;
  double refresh_fraction_;
  std::mutex mutex_;
  std::map<std::string, access_token> cache_;  // one entry per hybrid connection used by this process
};

class static_sas_provider final : public token_provider {
 public:
  static_sas_provider(std::string token, wall_clock::time_point expires) {
    token_.value = std::move(token);
    token_.issued_at = wall_clock::now();
    token_.expires_at = expires;
  }

  net::awaitable<expected<access_token>> get_token(std::string) override { co_return token_; }
  std::string describe() const override { return "pre-issued SAS token"; }

 private:
  access_token token_;
};

class no_auth_provider final : public token_provider {
 public:
  net::awaitable<expected<access_token>> get_token(std::string) override { co_return access_token{}; }
  std::string describe() const override { return "no authentication"; }
};

}  // namespace

std::shared_ptr<token_provider> make_sas_key_provider(std::string key_name, std::string key, std::chrono::seconds ttl,
                                                      double refresh_fraction) {
  return std::make_shared<sas_key_provider>(std::move(key_name), std::move(key), ttl, refresh_fraction);
}

expected<std::shared_ptr<token_provider>> make_static_sas_provider(std::string token) {
  auto parsed = protocol::sas::parse_token(token);
  // The parser's detail could quote parts of the token: keep it out of the message.
  if (!parsed) {
    return failure{"the shared access signature is not a valid SAS token "
                   "(expected 'SharedAccessSignature sr=...&sig=...&se=...&skn=...')"};
  }
  const auto expires = wall_clock::time_point(std::chrono::seconds(parsed->se));
  return std::shared_ptr<token_provider>(std::make_shared<static_sas_provider>(std::move(token), expires));
}

std::shared_ptr<token_provider> make_no_auth_provider() { return std::make_shared<no_auth_provider>(); }

}  // namespace azbridge::relay_client
