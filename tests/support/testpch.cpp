// Compiles tests/support/testpch.h into the precompiled header every suite reuses.
#include "testpch.h"
