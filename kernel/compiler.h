/* Moved to lib/compiler.h (pure helpers live in lib/); kept while includes move over. */
#include "lib/compiler.h"
