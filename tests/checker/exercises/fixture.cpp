// A learner's file with one mistake of each kind. The line numbers matter: the
// checker's tests expect the crashes reported at them.
#include "tests/checker/fixture.hpp"

#include "common/errors.hpp"

namespace fixture {

float sum_all(const std::vector<float>& v) {
    float s = 0;
    for (int i = 0; i < v.size(); ++i) s += v[i];  // -Wsign-compare: a warning, not an error
    return s;
}

float last_element(const std::vector<float>& v) {
    return v[v.size()];  // line 16: one past the end
}

int count_to(int n) {
    int i = 0;
    while (i != n) i = (i + 2) % 10;  // never equal for an odd n
    return i;
}

int double_it(int x) { return x + 2; }

int quadruple(int x) { return double_it(double_it(x)); }

int triangle(int n) {
    int s = 0;
    for (int k = 1; k <= n; ++k) s += k * k;  // line 31: overflows int for n = 100000
    return s;
}

float corner(const nn::Tensor& m) { return m(m.dim(0), 0); }  // line 35: row dim(0) does not exist

int not_started(int) { throw nn::NotImplemented("9.8"); }

int waits(int x) { return not_started(x) + 1; }

}  // namespace fixture
