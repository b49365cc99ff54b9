// Gradient training of the same networks as the ADMM solver: backpropagation, mini-batch
// SGD with heavy-ball momentum, and Adam. The objective is the ADMM problem's objective
//   F(W) = (1/2) ||f(X) - Y||^2 + (lambda/2) sum_i ||W_i||^2
// (bias columns included in the regulariser) divided by the sample count n, so that one
// learning rate suits data sets of any size; F and F/n have the same minimisers.
// A mini-batch S gives the unbiased estimate of grad(F/n)
//   (1/|S|) sum_{j in S} grad (1/2)||f(x_j) - y_j||^2 + (lambda/n) W.
// The derivation is in proofs_notes/baseline.md.
#pragma once

#include "admm.hpp"
#include "network.hpp"
#include "scalar.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace deepadmm {

enum class Optimizer {
  Momentum,  // v <- momentum v + g,  W <- W - rate v   (heavy ball; momentum 0 is plain SGD)
  Adam,      // Kingma and Ba (2015), with bias correction of both moments
};

std::string optimizer_name(Optimizer optimizer);
// Throws std::invalid_argument naming the known optimisers.
Optimizer parse_optimizer(const std::string& name);

// Learning rate eta_t at epoch t = 0, 1, ... from the base rate eta_0.
enum class RateSchedule {
  Constant,     // eta_0
  Step,         // eta_0 * decay^floor(t / step_epochs)
  InverseTime,  // eta_0 / (1 + decay * t)
  Cosine,       // eta_0 * (1 + cos(pi t / epochs)) / 2
};

std::string schedule_name(RateSchedule schedule);
// Throws std::invalid_argument naming the known schedules.
RateSchedule parse_schedule(const std::string& name);

template <class T>
struct SgdOptions {
  Optimizer optimizer = Optimizer::Momentum;
  T learning_rate = T(1) / 100;  // eta_0 > 0
  T momentum = T(9) / 10;        // Momentum: in [0, 1)
  T adam_beta1 = T(9) / 10;      // Adam: first-moment decay in [0, 1)
  T adam_beta2 = T(999) / 1000;  // Adam: second-moment decay in [0, 1)
  T adam_epsilon = T(1) / 100000000;  // Adam: added to the root of the second moment, > 0
  RateSchedule schedule = RateSchedule::Constant;
  T decay = T(1) / 2;   // Step: factor in (0, 1]; InverseTime: rate >= 0
  int step_epochs = 10; // Step: epochs between decays, >= 1
  T lambda = T(1) / 1000000;  // the regulariser weight of F, as in the ADMM problem; >= 0
  int batch_size = 32;  // >= 1; the last batch of an epoch may be smaller
  int epochs = 100;     // >= 0
  std::uint64_t shuffle_seed = 1;  // seeds the order of samples in each epoch
  double time_limit_seconds = std::numeric_limits<double>::infinity();

  // Returns true when every field is valid; otherwise writes a message naming the first
  // invalid field, its value and the constraint it breaks.
  bool validate(std::string* message) const;
};

// Measurements after an epoch (epoch 0 is the start).
template <class T>
struct SgdRecord {
  int epoch = 0;
  T objective = T(-1);       // F(W) at the end of the epoch, over the whole training set
  T training_error = T(-1);  // ||f(X) - Y||^2 / n
  T learning_rate = T(-1);   // eta used in this epoch; -1 at epoch 0
  double wall_seconds = 0;
};

template <class T>
struct SgdResult {
  Status status = Status::InvalidInput;  // MaxIterations after all epochs ran
  std::string message;
  std::vector<SgdRecord<T>> records;  // epoch 0, 1, ...
  Network<T> network;                 // the last weights
};

// Called after the start and after every epoch, with the record and the weights.
template <class T>
using SgdCallback = std::function<void(const SgdRecord<T>&, const Network<T>&)>;

// Returns F(W) = (1/2)||f(X) - Y||^2 + (lambda/2) sum ||W_i||^2.
template <class T>
T least_squares_objective(const Network<T>& net, const Matrix<T>& x, const Matrix<T>& y, const T& lambda);

// Returns G(W) = (scale/2)||f(X) - Y||^2 + (lambda/2) sum ||W_i||^2 and writes its gradient,
// one matrix per weight (W_i's shape), to `gradient` by backpropagation. scale = 1 gives
// F; the SGD step uses scale = 1/|S| on a batch S and lambda/n.
template <class T>
T objective_and_gradient(const Network<T>& net, const Matrix<T>& x, const Matrix<T>& y, const T& lambda,
                         const T& scale, std::vector<Matrix<T>>& gradient);

// Learning rate of epoch t (0-based) under the options' schedule.
template <class T>
T scheduled_rate(const SgdOptions<T>& options, int epoch);

// Trains from the network's weights for options.epochs epochs. Bad input (shapes, non-finite
// data, invalid options) returns status InvalidInput with a message. A non-finite objective
// stops the run with status NonFinite and a message naming the epoch.
template <class T>
SgdResult<T> train_sgd(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net, const SgdOptions<T>& options,
                       const SgdCallback<T>& callback = {});

// Returns the share of hidden-unit responses (unit, sample) over all hidden layers whose
// slope |f'(z)| is below threshold * sup|f'| in the forward pass of X. That is the share of
// saturated (sigmoid) or inactive (ReLU) units. A network without hidden layers gets 0.
template <class T>
double saturation_share(const Network<T>& net, const Matrix<T>& x, double threshold);

}  // namespace deepadmm
