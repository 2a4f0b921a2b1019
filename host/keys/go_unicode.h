// unicode.IsPrint as Go 1.19's strconv uses it (Unicode 13.0): letters, marks, numbers,
// punctuation, symbols and U+0020 are printable; controls, format characters, separators
// other than U+0020, surrogates, private use and unassigned code points are not. Used by
// go_quote so that %q in error messages matches Go for any input.
#pragma once

namespace wgmesh::keys {

bool go_is_print(char32_t r);

}  // namespace wgmesh::keys
