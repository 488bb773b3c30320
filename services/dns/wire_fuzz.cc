// libFuzzer target for ordo-dns's wire code: any bytes as a query (parse,
// then answer with a record of each kind and the question echoed, truncated
// to the query's size) and as a response (the TTL scan used by the forwarding
// cache). Nothing may crash, leak or read out of bounds. `make fuzz-dns`
// builds it with clang (-fsanitize=fuzzer,address,undefined) and runs it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/dns/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view packet(reinterpret_cast<const char*>(data), size);
  (void)ordo::dns::MinimumTtl(packet);
  ordo::dns::Query query;
  if (ordo::dns::ParseQuery(packet, &query).has_value()) return 0;
  using B = ordo::dns::ResponseBuilder;
  B builder(query, ordo::dns::kNoError, true, query.has_edns ? query.edns_udp_size : 512);
  const uint8_t ip4[4] = {10, 0, 0, 1};
  const uint8_t ip6[16] = {0xfd};
  const std::string& name = query.question.name;
  for (int i = 0; i < 40; ++i) {
    builder.AddA(B::kAnswer, name, 5, ip4);
    builder.AddAAAA(B::kAnswer, name, 5, ip6);
    builder.AddSrv(B::kAnswer, name, 5, 0, 50, 80, name);
    builder.AddName(B::kAdditional, name, ordo::dns::kPTR, 5, name);
  }
  builder.AddTxt(B::kAnswer, name, 5, name);
  builder.AddSoa(B::kAuthority, name, 1, name, name, 1, 2, 3, 4, 5);
  std::string out = builder.Finish();
  // What we built must parse back as a message.
  (void)ordo::dns::MinimumTtl(out);
  return 0;
}
