// libFuzzer target for the manifest decoder: any bytes as a manifest file,
// and every object it decodes encoded back to YAML and JSON. Nothing may
// crash, leak, read out of bounds or run away with memory (a billion-laughs
// document included). `make fuzz-manifest` builds it with clang
// (-fsanitize=fuzzer,address,undefined) and runs it from
// common/manifest/fuzz_corpus.
#include <cstddef>
#include <cstdint>

#include "common/manifest/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto objects = ordo::manifest::Decode(text, "fuzz.yaml");
  if (!objects.ok()) return 0;
  for (const auto& object : *objects) {
    (void)ordo::manifest::EncodeYaml(*object.message);
    (void)ordo::manifest::EncodeJson(*object.message);
  }
  return 0;
}
