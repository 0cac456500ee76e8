#pragma once

#include "core/inputlimits.h"

// The limits live in core so every layer that reads outside input (metrics too) uses the same ones.
namespace Curtain::Kube {
namespace Limits = Core::Limits;
}
