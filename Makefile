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

# ------------------------------------------------------------------ sources

CHAPTERS      := $(notdir $(wildcard chapters/[0-9A-Z]*))
TOOLS         := gallery compare bench reproduce tour hint reset watch
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

.PHONY: help deps build binaries test check hint reset watch compare run tour reproduce bench clean

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
	  grep -v '^check-' $(B)/learner/$$c/check.txt; \
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
	@$(MAKE) --no-print-directory $(B)/tools/bench $(B)/bin/03-backpropagation/epoch_bench
	$(B)/tools/bench
	$(B)/bin/03-backpropagation/epoch_bench --out out/bench --peers $(abspath chapters/03-backpropagation/programs)

clean:
	rm -rf $(BUILD) out
