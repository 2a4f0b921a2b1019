// Standalone driver for fuzz targets when libFuzzer is not in use (GCC builds, CI).
// It replays every file of the corpus directories given on the command line, then runs
// N pseudo-random mutations of those inputs (N from WGMESH_FUZZ_ITERATIONS, default 20000)
// through LLVMFuzzerTestOneInput. Under ASan/UBSan any memory error aborts the test.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  std::vector<std::vector<uint8_t>> corpus;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(p)) {
      for (auto& e : std::filesystem::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (std::filesystem::is_regular_file(p)) {
      files.push_back(p);
    }
    for (auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  if (corpus.empty()) corpus.push_back({});
  for (auto& c : corpus) LLVMFuzzerTestOneInput(c.data(), c.size());

  long iterations = 20000;
  if (const char* env = std::getenv("WGMESH_FUZZ_ITERATIONS")) iterations = std::atol(env);
  std::mt19937_64 rng(0x5eed);  // fixed seed: a failure is reproducible
  for (long n = 0; n < iterations; ++n) {
    std::vector<uint8_t> input = corpus[rng() % corpus.size()];
    int mutations = 1 + static_cast<int>(rng() % 8);
    for (int m = 0; m < mutations; ++m) {
      switch (rng() % 5) {
        case 0:  // flip a byte
          if (!input.empty()) input[rng() % input.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
        case 1:  // insert a random byte
          input.insert(input.begin() + static_cast<long>(input.empty() ? 0 : rng() % (input.size() + 1)),
                       static_cast<uint8_t>(rng()));
          break;
        case 2:  // erase a byte
          if (!input.empty()) input.erase(input.begin() + static_cast<long>(rng() % input.size()));
          break;
        case 3:  // truncate
          if (!input.empty()) input.resize(rng() % input.size());
          break;
        case 4: {  // splice with another corpus entry
          const auto& other = corpus[rng() % corpus.size()];
          if (!other.empty()) {
            size_t from = rng() % other.size();
            input.insert(input.end(), other.begin() + static_cast<long>(from), other.end());
          }
          break;
        }
      }
    }
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("fuzz driver: %zu corpus inputs, %ld mutations, no crash\n", corpus.size(), iterations);
  return 0;
}
