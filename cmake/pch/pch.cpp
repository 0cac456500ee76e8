// Each precompiled header target compiles this file, with the header forced in, to build the PCH.
