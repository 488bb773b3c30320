# ordo's entry points. `make up` starts a local cluster; `make test` builds and runs every suite.
SHELL := /bin/bash
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
DEB_PACKAGES := cmake ccache ninja-build pkg-config g++ protobuf-compiler protobuf-compiler-grpc \
  libgrpc++-dev libgrpc-dev libprotobuf-dev librocksdb-dev libspdlog-dev libabsl-dev \
  libgtest-dev libgmock-dev libyaml-cpp-dev prometheus-cpp-dev libgoogle-perftools-dev clang-format bind9-dnsutils \
  clang libclang-rt-14-dev python3 libssl-dev libcap-dev prometheus python3-grpcio python3-protobuf python3-yaml curl \
  etcd-server
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: images compose-up compose-down deps configure build binaries go-prefetch test run-tests check-headers check-thread-safety unit integration up down bench-authz bench-scheduler bench-scale bench-footprint bench-statefulset bench-deps bench-dns bench-dns-reference bench-snapshot bench-volume-snapshot bench-backup bench-metrics fuzz-dns fuzz-manifest format format-check bench clean

# The DNS benchmarks' client and the servers they compare ordo-dns with.
BENCH_DEB_PACKAGES := dnsperf nsd knot

# Installs the Debian packages $(1), and nothing when they are all there.
define install_packages
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all packages present"; fi
endef

# Installs the Debian packages the build needs.
deps:
	$(call install_packages,$(DEB_PACKAGES))

bench-deps:
	$(call install_packages,$(BENCH_DEB_PACKAGES))

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The cluster's programs only, no tests: what `make up` and the images run.
binaries: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target binaries

# The Go tools the tests use (grpcurl, buf, ...) build in the background beside
# the C++ build, so their downloads and compiles are done before ctest needs them.
go-prefetch:
	@mkdir -p $(BUILD_DIR)/tools && (tools/go_prefetch.sh > $(BUILD_DIR)/tools/go_prefetch.log 2>&1 &)

test: deps go-prefetch build format-check
	$(MAKE) --no-print-directory run-tests

# The tests of an up-to-date build, without building (make test builds first).
run-tests:
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

# Compile-only clang checks the style guide asks for (tools/clang_check.py):
# every header compiles alone; Abseil's thread-safety annotations hold.
# Both need the build's generated proto headers and compile_commands.json.
check-headers: deps build
	BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) python3 tools/clang_check.py headers

check-thread-safety: deps build
	BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) python3 tools/clang_check.py thread-safety

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

integration: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L integration

# Starts a 3-node cluster of processes under .ordo/, applies the example pods
# and shows them running, one per node. `build/bin/ordoctl cluster down` stops it.
up: deps binaries
	$(BUILD_DIR)/bin/ordoctl cluster up --nodes 3 --data-dir .ordo
	export KUBECONFIG=$$PWD/.ordo/kubeconfig; \
	$(BUILD_DIR)/bin/ordoctl apply -f examples/pods.yaml && \
	for p in podapp-0 podapp-1 podapp-2; do $(BUILD_DIR)/bin/ordoctl wait pod/$$p --for=condition=Ready --timeout 60s; done && \
	$(BUILD_DIR)/bin/ordoctl get nodes && $(BUILD_DIR)/bin/ordoctl get pods -o wide && \
	echo "ordoctl exec podapp-0 -- hostname: $$($(BUILD_DIR)/bin/ordoctl exec podapp-0 -- hostname)" && \
	echo "cluster running; stop it with: $(BUILD_DIR)/bin/ordoctl cluster down --data-dir .ordo"

down:
	$(BUILD_DIR)/bin/ordoctl cluster down --data-dir .ordo

# Container images from Debian packages and build/bin (deploy/images.sh):
# ordo-base once (debootstrap), then ordo:<commit> and ordo:latest.
images: binaries
	deploy/images.sh $(BUILD_DIR)

# The docker-compose cluster (docker-compose.yml): up waits for every node;
# down keeps the volumes unless WIPE=1. HA=1 adds docker-compose.ha.yml
# (three etcd members, two api-servers).
COMPOSE_FILES = $(if $(HA),COMPOSE_FILE=docker-compose.yml:docker-compose.ha.yml)
compose-up: deps binaries images
	$(COMPOSE_FILES) BUILD_DIR=$(BUILD_DIR) deploy/compose.sh up

compose-down:
	$(COMPOSE_FILES) WIPE=$(WIPE) deploy/compose.sh down

bench: build
	bench/run.sh
	$(BUILD_DIR)/bin/ordo-authz-bench
	bench/footprint.sh

bench-authz: build
	$(BUILD_DIR)/bin/ordo-authz-bench

bench-scheduler: build
	bench/scheduler.sh

# Kubernetes' envelope: 5,000 hollow nodes, 15,000 then 150,000 pods (issue 23).
bench-scale: build
	bench/scale.sh

bench-statefulset: build
	bench/statefulset.sh

bench-snapshot: build
	bench/snapshot.sh

bench-volume-snapshot: build
	bench/volume_snapshot.sh

bench-backup: build
	bench/backup.sh

# The whole control plane's RSS idle and with 10,000 pods, and its cold start
# to a pod resolvable by DNS (issue 20).
bench-footprint: build
	bench/footprint.sh

bench-dns: build bench-deps
	bench/dns.sh

# The cost of a scrape of the api-server with 10,000 pods stored (issue 19).
bench-metrics: build
	bench/metrics_scrape.sh

# NSD, Knot DNS and CoreDNS (built from the Go module proxy) beside ordo-dns.
bench-dns-reference: build bench-deps
	bench/dns_reference.sh

# The fuzzers (libFuzzer, so clang), each for FUZZ_SECONDS (default 60) from
# its corpus in the repository; what they find new goes to build/fuzz/*-corpus,
# a crash to build/fuzz/crash-* (make it a unit test). A fixed seed, so a run
# repeats what the last one did. .ci/run runs both.
FUZZ_FLAGS = -max_total_time=$${FUZZ_SECONDS:-60} -seed=1 -rss_limit_mb=2048 -print_final_stats=1
# libFuzzer's out-of-memory report can spin for ever walking a large heap: a
# run that outlives its time by two minutes is killed (and fails).
FUZZ_RUN = timeout -s KILL $$(( $${FUZZ_SECONDS:-60} + 120 ))
FUZZ_CXX = clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I.

# The DNS wire code: a query parsed and answered, a response's TTLs scanned.
fuzz-dns:
	dpkg -s clang libclang-rt-14-dev >/dev/null 2>&1 || $(SUDO) apt-get install -y clang libclang-rt-14-dev
	mkdir -p $(BUILD_DIR)/fuzz/dns-corpus
	$(FUZZ_CXX) services/dns/wire.cc services/dns/wire_fuzz.cc -o $(BUILD_DIR)/fuzz/dns-wire-fuzz
	$(FUZZ_RUN) $(BUILD_DIR)/fuzz/dns-wire-fuzz $(FUZZ_FLAGS) -max_len=4096 $(BUILD_DIR)/fuzz/dns-corpus \
	  services/dns/fuzz_corpus

# The manifest decoder and encoders: decode.cc and encode.cc compiled by clang
# with the fuzzer's coverage, linked to the kinds' protos and the libraries
# `make build` made with g++ (both use libstdc++): run `make build` first.
MANIFEST_FUZZ_LIBS = common/api/libordo_api.a common/quantity/libordo_quantity.a \
  common/status/libordo_status.a common/clock/libordo_clock.a proto/libordo_proto.a
fuzz-manifest:  # after `make build`
	dpkg -s clang libclang-rt-14-dev >/dev/null 2>&1 || $(SUDO) apt-get install -y clang libclang-rt-14-dev
	mkdir -p $(BUILD_DIR)/fuzz/manifest-corpus
	$(FUZZ_CXX) -I$(BUILD_DIR)/proto/gen common/manifest/decode.cc common/manifest/encode.cc \
	  common/manifest/manifest_fuzz.cc $(addprefix $(BUILD_DIR)/,$(MANIFEST_FUZZ_LIBS)) \
	  $$(pkg-config --libs protobuf yaml-cpp absl_strings absl_str_format absl_time \
	    absl_statusor absl_synchronization grpc++) -o $(BUILD_DIR)/fuzz/manifest-fuzz
	$(FUZZ_RUN) $(BUILD_DIR)/fuzz/manifest-fuzz $(FUZZ_FLAGS) -max_len=65536 $(BUILD_DIR)/fuzz/manifest-corpus \
	  common/manifest/fuzz_corpus

FORMAT_FILES = $(shell git ls-files '*.cc' '*.h')
format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format-check: ok"

clean:
	rm -rf $(BUILD_DIR)
