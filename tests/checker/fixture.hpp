#pragma once
// The checker's test subject (see fixture_test.cpp): a pretend chapter 9 whose
// "learner" got every kind of thing wrong that `make check` must survive.
#include <cstddef>
#include <vector>

#include "common/tensor.hpp"

namespace fixture {

float sum_all(const std::vector<float>& v);               // 9.1 right, but warns
float last_element(const std::vector<float>& v);          // 9.2 reads past the end
int count_to(int n);                                      // 9.3 never ends
int double_it(int x);                                     // 9.4 wrong
int quadruple(int x);                                     // 9.5 right, uses 9.4
int triangle(int n);                                      // 9.6 overflows (UBSan)
float corner(const nn::Tensor& m);                        // 9.7 index out of range (assert)
int not_started(int x);                                   // 9.8 still the stub
int waits(int x);                                         // 9.9 right, uses 9.8

}  // namespace fixture
