# The companion's single entry point. `make help` lists the commands.
#
# Every build links each chapter's given code (chapters/C/given_*.cpp) and, for the
# functions that are exercises, either the answers or a learner's own files:
#   solution build   every chapter links solutions/C/            -> $(B)/bin, $(B)/tests/all
#   learner build    chapter C links exercises/C/ instead        -> $(B)/learner/C/
#                    (the same files, bodies TODO), every other
#                    chapter its solutions, so one unfinished chapter never breaks another.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.SECONDARY:
.SUFFIXES:

MODE  := $(if $(filter 1,$(SANITIZE)),sanitize,release)
# ARCH: the CPU the build targets. native (the default) is the machine it runs on, which
# picks the fastest micro-kernel it has; x86-64-v3 is any AVX2+FMA machine (the AVX2
# kernel); x86-64 any x86-64 at all (the portable kernel). Each has its own build folder.
ARCH  ?= native
BUILD ?= build
B     := $(BUILD)/$(MODE)$(if $(filter native,$(ARCH)),,-$(ARCH))

CXX      := g++
OPT_release  := -O3 -march=$(ARCH)
OPT_sanitize := -O1 -g -march=$(ARCH) -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Warnings are errors for developers and CI (WERROR=1), never by default: a learner's
# newer compiler may find a new warning, and that must not stop their build. A learner's
# exercise files never get -Werror at all (see the rule for exercises/ below).
WERROR_FLAG := $(if $(filter 1,$(WERROR)),-Werror)
# -Wno-restrict: g++ 12 warns falsely on `"literal" + std::string` once inlined (GCC bug 105329).
# -ffp-contract=fast: a * b + c becomes one FMA where the CPU has it, as g++ does by default
# today; said out loud so that another compiler version cannot change the results' bits.
CXXFLAGS := -std=c++20 -Wall -Wextra -Wno-restrict -ffp-contract=fast $(OPT_$(MODE)) -MMD -MP
CPPFLAGS := -I. -Ichapters
SANITIZERS := -fsanitize=address,undefined
LDFLAGS  := $(if $(filter sanitize,$(MODE)),$(SANITIZERS))
LDLIBS   := -lboost_program_options -lboost_iostreams -lboost_filesystem -lz -pthread

# Debian packages the build and the chapters need (Ubuntu has the same names).
PACKAGES := g++ make libgtest-dev libboost-program-options-dev libgnuplot-iostream-dev \
            gnuplot-nox zlib1g-dev dataset-fashion-mnist pandoc
# What `make bench` needs besides: OpenBLAS, the reference our gemm() is measured against,
# and PyTorch (CPU), the reference for one epoch of training.
BENCH_PACKAGES := libopenblas-dev python3-torch python3-numpy
# What `make fuzz` needs besides: clang, and libFuzzer's runtime, which Debian packages
# apart (clang only recommends it).
FUZZ_PACKAGES := clang libclang-rt-dev

# ------------------------------------------------------------------ sources

CHAPTERS      := $(notdir $(wildcard chapters/[0-9A-Z]*))
TOOLS         := gallery compare bench reproduce tour hint reset watch mutants
COMMON_SRC    := $(wildcard common/*.cpp)
TOOL_LIB_SRC  := $(filter-out $(TOOLS:%=common/tools/%.cpp),$(wildcard common/tools/*.cpp))
SOLUTION_SRC  := $(wildcard solutions/*/*.cpp)
GIVEN_SRC     := $(wildcard chapters/*/given_*.cpp)
PROGRAM_SRC   := $(wildcard chapters/*/programs/*.cpp)
# (tests/checker/ is the checker's test subject, a binary of its own.)
TEST_SRC      := $(filter-out tests/checker/%,$(wildcard tests/*/*_test.cpp))

# Build lines are short (`  CXX file`); V=1 shows the full commands.
Q := $(if $(filter 1,$(V)),,@)

obj = $(patsubst %.cpp,$(B)/obj/%.o,$(1))

LIBCOMMON    := $(B)/libcommon.a
LIBTOOLS     := $(B)/libtools.a
SOLUTION_OBJ := $(call obj,$(SOLUTION_SRC) $(GIVEN_SRC))
# chapters/C/programs/P.cpp -> $(B)/bin/C/P
program_bins  = $(patsubst chapters/%.cpp,$(1)/%,$(subst /programs/,/,$(2)))
PROGRAMS     := $(call program_bins,$(B)/bin,$(PROGRAM_SRC))
TOOL_BINS    := $(TOOLS:%=$(B)/tools/%)
ALL_TESTS    := $(B)/tests/all

# Chapters that have exercises, and what a learner build of chapter $1 links:
# exercises/$1/*.cpp, every other chapter's solutions, and all the given code.
EXERCISE_CHAPTERS := $(notdir $(patsubst %/,%,$(dir $(wildcard exercises/*/*.cpp))))
EXERCISE_CHAPTERS := $(sort $(EXERCISE_CHAPTERS))
learner_obj  = $(call obj,$(wildcard exercises/$(1)/*.cpp) \
                 $(filter-out solutions/$(1)/%,$(SOLUTION_SRC)) $(GIVEN_SRC))
# The tests of a learner build link the learner's files instrumented (see CHECKED_FLAGS).
checked_obj   = $(patsubst %.cpp,$(B)/obj/checked/%.o,$(1))
learner_test_obj = $(call checked_obj,$(wildcard exercises/$(1)/*.cpp)) \
                 $(call obj,$(filter-out solutions/$(1)/%,$(SOLUTION_SRC)) $(GIVEN_SRC))
learner_tests = $(B)/learner/$(1)/tests
learner_programs = $(call program_bins,$(B)/learner,$(wildcard chapters/$(1)/programs/*.cpp))

# make check EX=1.2 needs no CH: the exercise names its chapter.
ifneq ($(EX),)
ifeq ($(CH),)
CH := $(firstword $(subst ., ,$(EX)))
endif
endif
# CH=01 (or 1, or 01-perceptron, or A) -> 01-perceptron; no CH -> every chapter.
CH_FIRST  := $(firstword $(subst -, ,$(CH)))
CH_PREFIX := $(if $(filter 1 2 3 4 5 6 7 8 9,$(CH_FIRST)),0$(CH_FIRST),$(CH_FIRST))
pick      = $(if $(CH),$(filter $(CH_PREFIX)-%,$(1)),$(1))
SELECTED          := $(call pick,$(CHAPTERS))
SELECTED_EXERCISE := $(call pick,$(EXERCISE_CHAPTERS))
CMP               := $(firstword $(SELECTED_EXERCISE))
# Seconds an exercise's tests may run in `make check` before they are called an endless loop.
CHECK_TIMEOUT ?= 10

# ------------------------------------------------------------------ compile and link

# What the objects were built with: the compiler, the flags, and every target option that
# -march=$(ARCH) turns on here. When it changes (a newer g++, a clone moved to another CPU,
# a home folder shared by machines of two kinds), everything is rebuilt rather than linked
# with objects for another CPU, which would stop with "Illegal instruction". The file is
# rewritten only when its text changes, so an unchanged build stays up to date.
build_id = $(shell $(CXX) --version | head -1; echo '$(CXXFLAGS)'; $(CXX) -march=$(ARCH) -Q --help=target 2>/dev/null | md5sum)
$(B)/build-id: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(build_id)' | cmp -s - $@ || printf '%s\n' '$(build_id)' > $@
.PHONY: FORCE

$(B)/obj/%.o: %.cpp $(B)/build-id
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CXX   $<")
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(WERROR_FLAG) -c $< -o $@

# A learner's own files: warnings are shown, never fatal.
$(B)/obj/exercises/%.o: WERROR_FLAG :=

# ... and, in the tests `make check` runs, built with AddressSanitizer and UBSan, so that
# an index out of range or an overflow is reported with the learner's file and line
# instead of passing silently or crashing somewhere else. Only these files are
# instrumented; the rest of the test binary runs at full speed.
CHECKED_FLAGS := -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
$(B)/obj/checked/%.o: %.cpp $(B)/build-id
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CXX   $< (checked)")
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(CHECKED_FLAGS) -c $< -o $@

$(LIBCOMMON): $(call obj,$(COMMON_SRC))
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBTOOLS): $(call obj,$(TOOL_LIB_SRC))
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

define PROGRAM_RULES
$(B)/bin/$(1)/%: $(B)/obj/chapters/$(1)/programs/%.o $(SOLUTION_OBJ) $(LIBCOMMON)
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  LINK  $$@")
	$(Q)$(CXX) $(LDFLAGS) $$^ $(LDLIBS) -o $$@
endef
$(foreach c,$(CHAPTERS),$(eval $(call PROGRAM_RULES,$(c))))

$(B)/tools/%: $(B)/obj/common/tools/%.o $(LIBTOOLS) $(LIBCOMMON)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK  $@")
	$(Q)$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(ALL_TESTS): $(call obj,tests/main.cpp $(TEST_SRC)) $(SOLUTION_OBJ) $(LIBTOOLS) $(LIBCOMMON)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK  $@")
	$(Q)$(CXX) $(LDFLAGS) $^ -lgtest $(LDLIBS) -o $@

define LEARNER_RULES
$(call learner_tests,$(1)): $(call obj,tests/main.cpp $(wildcard tests/$(1)/*_test.cpp)) $(call learner_test_obj,$(1)) $(LIBTOOLS) $(LIBCOMMON)
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  LINK  $$@")
	$(Q)$(CXX) $(SANITIZERS) $$^ -lgtest $(LDLIBS) -o $$@

$(B)/learner/$(1)/%: $(B)/obj/chapters/$(1)/programs/%.o $(call learner_obj,$(1)) $(LIBCOMMON)
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  LINK  $$@")
	$(Q)$(CXX) $(LDFLAGS) $$^ $(LDLIBS) -o $$@
endef
$(foreach c,$(EXERCISE_CHAPTERS),$(eval $(call LEARNER_RULES,$(c))))

# The checker's own test subject: a chapter "9" whose exercises crash, loop, warn and fail
# on purpose, built as a learner's chapter is; tests/common/check_test.cpp runs
# `make check`'s code on it and reads what it reports.
CHECKER_FIXTURE := $(B)/tests/checker_fixture
$(CHECKER_FIXTURE): $(call obj,tests/main.cpp tests/checker/fixture_test.cpp) $(call checked_obj,tests/checker/exercises/fixture.cpp) $(LIBTOOLS) $(LIBCOMMON)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK  $@")
	$(Q)$(CXX) $(SANITIZERS) $^ -lgtest $(LDLIBS) -o $@

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# ------------------------------------------------------------------ commands

.PHONY: help deps build binaries test check hint reset watch compare run tour reproduce bench fuzz mutants clean

help:
	@echo "Neural networks from scratch, in C++: the commands"
	@echo
	@echo "  make tour            install what is missing, build, run every chapter's programs"
	@echo "                       in quick mode, and write the gallery out/index.html, which"
	@echo "                       links every chapter's text as a web page (out/book/)"
	@echo "  make test            build and run every test against solutions/ (what CI runs)"
	@echo "  make check [CH=01]   test YOUR exercise files: done / wrong / not started"
	@echo "  make check EX=1.2    check one exercise; \`make check\` alone: every chapter's progress"
	@echo "  make watch CH=01     re-check the exercise you are on each time you save a file"
	@echo "  make hint EX=1.2     a hint for exercise 1.2; again for the next one (ALL=1: all of them)"
	@echo "  make reset EX=1.2    put exercise 1.2's stub back in your file (asks first; keeps a copy)"
	@echo "  make compare CH=01   run a chapter on your code and on the solution, same seed:"
	@echo "                       metrics side by side, overlaid curves, first differing tensor"
	@echo "  make run CH=01       run one chapter's programs (solutions) with their defaults,"
	@echo "                       then the experiments behind its README tables, if it has any"
	@echo "  make reproduce CH=03 run a chapter's full experiments and check every number of its"
	@echo "                       README tables against what the programs print now (minutes)"
	@echo "  make bench           the benchmarks: matrix multiply against OpenBLAS, one epoch"
	@echo "                       of training against PyTorch"
	@echo "  make fuzz            libFuzzer on every reader of outside data, FUZZ_SECONDS=60 each"
	@echo "  make mutants [CH=01] how many small mistakes in the solutions the exercise tests catch"
	@echo "  make deps            install missing Debian packages (apt-get, sudo when not root)"
	@echo "  make clean           remove build/ and out/"
	@echo
	@echo "  Options: SANITIZE=1 (AddressSanitizer + UBSan build), V=1 (show build commands),"
	@echo "           ARCH=x86-64-v3 or ARCH=x86-64 (build for any AVX2 machine, or any x86-64,"
	@echo "           instead of this one), WERROR=1 (warnings are errors: for developers and CI)"

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "deps: installing$$missing"; \
	if ! command -v apt-get >/dev/null; then \
	  echo "deps: no apt-get here; install these packages with your system's package manager:$$missing" >&2; exit 1; \
	fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null; then sudo="sudo"; \
	else echo "deps: not root and no sudo; as root, run: apt-get update && apt-get install -y$$missing" >&2; exit 1; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$sudo apt-get update -qq && $$sudo apt-get install -y -qq --no-install-recommends $$missing \
	  || { echo "deps: apt-get failed; run it yourself: $$sudo apt-get install -y$$missing" >&2; exit 1; }

JOBS ?= $(shell nproc 2>/dev/null || echo 2)

build: | deps
	@$(MAKE) --no-print-directory -s -j$(JOBS) binaries

# (Not the bench tool: it links OpenBLAS, which only `make bench` installs.)
binaries: $(PROGRAMS) $(filter-out $(B)/tools/bench,$(TOOL_BINS)) $(ALL_TESTS) $(CHECKER_FIXTURE) \
          $(foreach c,$(EXERCISE_CHAPTERS),$(call learner_tests,$(c)))

# The exercise tests must fail on the stubs (else they check nothing); then everything
# runs against the solutions. GoogleTest's summary is the last thing printed.
test: build
	@for c in $(EXERCISE_CHAPTERS); do \
	  echo "== $$c: exercise tests against the stubs in exercises/$$c"; \
	  $(call learner_tests,$$c) --stubs-must-fail --gtest_filter='Ex*' || exit 1; \
	done
	@echo "== all tests against solutions/"
	NN_BIN_DIR=$(abspath $(B)/bin) $(ALL_TESTS) --gtest_brief=1

# One exercise (EX=1.2) picks its chapter; without CH or EX, every chapter, a line each.
check: | deps
	@if [ -z "$(SELECTED_EXERCISE)" ]; then echo "check: no chapter with exercises matches CH=$(CH)" >&2; exit 2; fi
	@$(if $(CH),$(MAKE) --no-print-directory -s $(foreach c,$(SELECTED_EXERCISE),$(call learner_tests,$(c))) \
	  || { echo "check: your exercise files do not compile; the first error is above" >&2; exit 1; })
	@done=0; total=0; \
	for c in $(SELECTED_EXERCISE); do \
	  if [ -z "$(CH)" ] && ! $(MAKE) --no-print-directory -s $(B)/learner/$$c/tests >/dev/null 2>&1; then \
	    printf '  %-30s does not compile: `make check CH=%s` shows the first error\n' $$c $${c%%-*}; continue; fi; \
	  $(if $(CH),echo "Chapter $$c: exercises in exercises/$$c/";) \
	  $(B)/learner/$$c/tests --check --hints exercises/$$c/HINTS.md --work $(B)/learner/$$c/check \
	    --timeout $(CHECK_TIMEOUT) $(if $(CH),,--brief) $(if $(EX),--exercise '$(EX)') \
	    $(if $(filter 1,$(FOCUS)),--focus $(if $(AFTER),--after '$(AFTER)')) > $(B)/learner/$$c/check.txt \
	    || { cat $(B)/learner/$$c/check.txt; exit 2; }; \
	  grep -v '^check-summary' $(B)/learner/$$c/check.txt; \
	  read -r _ d t < <(grep '^check-summary' $(B)/learner/$$c/check.txt); \
	  done=$$((done + d)); total=$$((total + t)); \
	done; \
	if [ -z "$(CH)" ]; then echo "  all chapters: $$done/$$total exercises done; \`make check CH=01\` for one chapter's details"; fi

# Hints come a step at a time; how far each exercise's got is kept in build/hints/.
hint: | deps
	@if [ -z "$(EX)" ]; then echo "hint: say which exercise, e.g. make hint EX=1.2" >&2; exit 2; fi
	@$(MAKE) --no-print-directory -s $(B)/tools/hint
	@$(B)/tools/hint --exercise '$(EX)' --seen $(BUILD)/hints $(if $(filter 1,$(ALL)),--all)

# The stubs of one exercise back in the learner's file, after asking (YES=1: without).
reset: | deps
	@if [ -z "$(EX)" ]; then echo "reset: say which exercise, e.g. make reset EX=1.2" >&2; exit 2; fi
	@$(MAKE) --no-print-directory -s $(B)/tools/reset
	@$(B)/tools/reset --exercise '$(EX)' $(if $(filter 1,$(YES)),--yes)

# `make check CH=C FOCUS=1` each time a file of exercises/C/ is saved.
watch: | deps
	@if [ -z "$(CH)" ] || [ -z "$(CMP)" ]; then echo "watch: say which chapter with exercises, e.g. make watch CH=01" >&2; exit 2; fi
	@$(MAKE) --no-print-directory -s $(B)/tools/watch
	@$(B)/tools/watch --chapter $(CMP) --log $(B)/learner/$(CMP)/watch.log

# A chapter's programs, which the tools below run in the order of its tour.txt.
chapter_programs = $(call program_bins,$(1),$(wildcard chapters/$(2)/programs/*.cpp))

# The chapter's tour on the learner's code and on the solutions, with the same seed and
# traces, then the two side by side (common/tools/compare.cpp).
compare: | deps
	@if [ -z "$(CH)" ] || [ -z "$(CMP)" ]; then echo "compare: say which chapter with exercises, e.g. make compare CH=01" >&2; exit 2; fi
	@$(MAKE) --no-print-directory -s $(B)/tools/compare $(B)/tools/tour \
	  $(call chapter_programs,$(B)/bin,$(CMP)) $(call chapter_programs,$(B)/learner,$(CMP)) \
	  || { echo "compare: your exercise files do not compile; the first error is above" >&2; exit 1; }
	@rm -rf out/compare/$(CMP) out/compare/learner/$(CMP) out/compare/solution/$(CMP)
	@echo "== the solutions' runs"; $(B)/tools/tour --chapter $(CMP) --quick --trace --bin $(B)/bin --out out/compare/solution; \
	echo "== your runs"; $(B)/tools/tour --chapter $(CMP) --quick --trace --bin $(B)/learner --out out/compare/learner; \
	$(B)/tools/compare --chapter $(CMP) --learner out/compare/learner/$(CMP) --solution out/compare/solution/$(CMP) --out out/compare/$(CMP)

# Every program of the chapter in full, then its README tables marked for make reproduce.
run: | deps
	@if [ -z "$(CH)" ] || [ -z "$(SELECTED)" ]; then echo "run: say which chapter, e.g. make run CH=01" >&2; exit 2; fi
	@$(MAKE) --no-print-directory -s $(B)/tools/tour $(B)/tools/reproduce \
	  $(foreach c,$(SELECTED),$(call chapter_programs,$(B)/bin,$(c)))
	$(B)/tools/tour $(SELECTED:%=--chapter %) --bin $(B)/bin --out out
	$(B)/tools/reproduce $(SELECTED:%=--chapter %) --if-marked --bin $(B)/bin --out out/reproduce

# Quick mode of every chapter, then the gallery, which also renders the chapters' texts
# into out/book/ with pandoc (common/tools/book.hpp). A failing program is reported and
# the tour goes on; the tour fails at the end if any program failed.
tour: build
	@$(B)/tools/tour --quick --bin $(B)/bin --out out; status=$$?; \
	$(B)/tools/gallery --out out --chapters chapters && echo "tour: open out/index.html in a browser"; \
	exit $$status

# The README tables of one chapter, re-run in full and checked value by value
# (common/tools/reproduce.cpp). Not part of `make test`: it takes minutes.
reproduce: | deps
	@if [ -z "$(CH)" ] || [ -z "$(SELECTED)" ]; then echo "reproduce: say which chapter, e.g. make reproduce CH=03" >&2; exit 2; fi
	@$(MAKE) --no-print-directory -s -j$(JOBS) $(B)/tools/reproduce \
	  $(foreach c,$(SELECTED),$(call chapter_programs,$(B)/bin,$(c)))
	$(B)/tools/reproduce $(SELECTED:%=--chapter %) --bin $(B)/bin --out out/reproduce

# OpenBLAS is linked into the benchmark and nowhere else. The training benchmark runs
# PyTorch through chapters/03-backpropagation/programs/torch_peers.py (it says so and goes on
# without it when PyTorch cannot run).
$(B)/tools/bench: private LDLIBS += -lopenblas

bench:
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) $(BENCH_PACKAGES)"
	@$(MAKE) --no-print-directory $(B)/tools/bench $(B)/bin/03-backpropagation/epoch_bench \
	  $(B)/bin/05-convolutional-networks/epoch_bench
	$(B)/tools/bench
	$(B)/bin/03-backpropagation/epoch_bench --out out/bench --peers $(abspath chapters/03-backpropagation/programs)
	$(B)/bin/05-convolutional-networks/epoch_bench --out out/bench/05 --peers $(abspath chapters/05-convolutional-networks/programs)

# ------------------------------------------------------------------ fuzzing

# libFuzzer harnesses (fuzz/<name>_fuzz.cpp) for every reader of outside data, built
# apart with clang, which has libFuzzer, under AddressSanitizer and UBSan: the project's
# sources with the fuzzer's coverage instrumentation only (fuzzer-no-link), the link
# with the fuzzer's main. Not part of `make test`: each harness runs FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
# The same seed makes the same inputs, so a clean clone's run (CI's) can be tried first
# here; FUZZ_SEED=0 lets libFuzzer pick one.
FUZZ_SEED ?= 1
FUZZ       := $(BUILD)/fuzz
FUZZ_CXX   := clang++
FUZZ_FLAGS := -std=c++20 -Wall -Wextra -g -O1 -fno-omit-frame-pointer \
              -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -MMD -MP
FUZZ_HARNESSES := idx csv model_file manifest readme_table
# What each harness links besides fuzz/<name>_fuzz.cpp: its reader and what that calls.
FUZZ_SRC_idx          := common/idx.cpp common/tensor.cpp common/gemm.cpp
FUZZ_SRC_csv          := common/csv.cpp common/tensor.cpp common/gemm.cpp common/random.cpp
FUZZ_SRC_model_file   := chapters/03-backpropagation/given_io.cpp chapters/03-backpropagation/given_network.cpp \
                         solutions/03-backpropagation/network.cpp common/tensor.cpp common/gemm.cpp \
                         common/files.cpp common/errors.cpp common/random.cpp common/training.cpp common/gradcheck.cpp
FUZZ_SRC_manifest     := common/tools/report.cpp
FUZZ_SRC_readme_table := common/tools/readme_table.cpp common/tools/report.cpp
# fuzz/seeds.cpp writes the first inputs with the project's own writers (see there).
FUZZ_SRC_seeds        := $(FUZZ_SRC_model_file) common/cli.cpp common/progress.cpp common/gnuplot.cpp
fuzz_obj = $(patsubst %.cpp,$(FUZZ)/obj/%.o,$(1))

# Rebuilt when clang or the flags change, as $(B)/build-id does for g++.
fuzz_build_id = $(shell $(FUZZ_CXX) --version 2>/dev/null | head -1; echo '$(FUZZ_FLAGS)')
$(FUZZ)/build-id: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(fuzz_build_id)' | cmp -s - $@ || printf '%s\n' '$(fuzz_build_id)' > $@

$(FUZZ)/obj/%.o: %.cpp $(FUZZ)/build-id
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CXX   $< (fuzz)")
	$(Q)$(FUZZ_CXX) $(CPPFLAGS) $(FUZZ_FLAGS) $(WERROR_FLAG) -c $< -o $@

define FUZZ_RULES
$(FUZZ)/bin/$(1)_fuzz: $(call fuzz_obj,fuzz/$(1)_fuzz.cpp $(FUZZ_SRC_$(1)))
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  LINK  $$@")
	$(Q)$(FUZZ_CXX) -fsanitize=fuzzer,address,undefined $$^ $(LDLIBS) -o $$@
endef
$(foreach h,$(FUZZ_HARNESSES),$(eval $(call FUZZ_RULES,$(h))))

$(FUZZ)/bin/seeds: $(call fuzz_obj,fuzz/seeds.cpp $(FUZZ_SRC_seeds))
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK  $@")
	$(Q)$(FUZZ_CXX) -fsanitize=address,undefined $^ $(LDLIBS) -o $@

-include $(shell find $(FUZZ)/obj -name '*.d' 2>/dev/null)

# The seeds are made afresh each time (fuzz/seeds.cpp, the chapters' README.md files,
# the manifests of out/); what libFuzzer finds is kept in $(FUZZ)/found/<name>/ for the
# next run. One process per harness (no -jobs: the machine is shared), each within
# -rss_limit_mb and -malloc_limit_mb, an input slower than -timeout a hang. A crash
# leaves its input in $(FUZZ)/crashes/<name>/ and fails the target after every
# harness has had its turn; the log of each run is $(FUZZ)/<name>.log.
fuzz:
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) $(FUZZ_PACKAGES)"
	@$(MAKE) --no-print-directory -s -j$(JOBS) $(FUZZ)/bin/seeds $(FUZZ_HARNESSES:%=$(FUZZ)/bin/%_fuzz)
	@rm -rf $(FUZZ)/corpus && $(FUZZ)/bin/seeds $(FUZZ)/corpus chapters > /dev/null
	@for c in chapters/*/; do cp $$c/README.md $(FUZZ)/corpus/readme_table/$$(basename $$c).md; done
	@for m in out/*/*.manifest; do \
	  if [ -f "$$m" ]; then cp "$$m" $(FUZZ)/corpus/manifest/$$(basename $$(dirname $$m))_$$(basename $$m); fi; \
	done
	@failed=0; summary=""; \
	for h in $(FUZZ_HARNESSES); do \
	  mkdir -p $(FUZZ)/found/$$h $(FUZZ)/crashes/$$h; log=$(FUZZ)/$$h.log; \
	  echo "== fuzz: $$h for $(FUZZ_SECONDS) s (log: $$log)"; \
	  UBSAN_OPTIONS=print_stacktrace=1 $(FUZZ)/bin/$${h}_fuzz -max_total_time=$(FUZZ_SECONDS) -seed=$(FUZZ_SEED) \
	    -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ)/crashes/$$h/ $(FUZZ)/found/$$h $(FUZZ)/corpus/$$h > $$log 2>&1; \
	  status=$$?; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
	  new=$$(sed -n 's/^stat::new_units_added: *//p' $$log); \
	  read -r cov ft corp < <(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' $$log | tail -1 | awk '{print $$2, $$4, $$6}'); \
	  line=$$(printf 'fuzz: %-13s %10s runs  cov %5s  ft %6s  corpus %5s (%s added this run)' \
	    $$h "$${runs:-?}" "$${cov:-?}" "$${ft:-?}" "$${corp:-?}" "$${new:-?}"); \
	  if [ $$status -ne 0 ]; then \
	    failed=1; tail -n 40 $$log; \
	    input=$$(sed -n 's/.*Test unit written to //p' $$log | tail -1); \
	    line="$$line  FAILED (exit $$status): $${input:-see $$log}"; \
	  fi; \
	  summary="$$summary$$line"$$'\n'; \
	done; \
	echo "== fuzz: $(FUZZ_SECONDS) s each; new inputs in $(FUZZ)/found/, crashes in $(FUZZ)/crashes/"; \
	printf '%s' "$$summary"; \
	exit $$failed
# Small mistakes made in the solutions one at a time (common/tools/mutants.cpp), each
# compiled as a learner's file is for make check (no -Werror; AddressSanitizer and UBSan,
# so that a loop one past the end is caught every time, not by the luck of what lies
# there), linked with the chapter's test objects in place of its solution, and run on
# the chapter's Ex suites. Every core by default (JOBS=2 for fewer).
mutant_objects = $(call obj,tests/main.cpp $(wildcard tests/$(1)/*_test.cpp) $(SOLUTION_SRC) $(GIVEN_SRC)) \
                 $(LIBTOOLS) $(LIBCOMMON)
MUTANT_CXXFLAGS := $(filter-out -MMD -MP,$(CXXFLAGS)) $(CHECKED_FLAGS)

mutants: | deps
	@if [ -z "$(SELECTED_EXERCISE)" ]; then echo "mutants: no chapter with exercises matches CH=$(CH)" >&2; exit 2; fi
	@$(MAKE) --no-print-directory -s -j$(JOBS) $(B)/tools/mutants \
	  $(foreach c,$(SELECTED_EXERCISE),$(call mutant_objects,$(c)))
	@$(B)/tools/mutants $(SELECTED_EXERCISE:%=--chapter %) --jobs $(JOBS) --scratch $(B)/mutants \
	  --compile '$(CXX) $(CPPFLAGS) $(MUTANT_CXXFLAGS)' --link '$(CXX) $(LDFLAGS) $(SANITIZERS)' \
	  --libs '-lgtest $(LDLIBS)' $(foreach c,$(SELECTED_EXERCISE),--objects '$(c)=$(call mutant_objects,$(c))')

clean:
	rm -rf $(BUILD) out
