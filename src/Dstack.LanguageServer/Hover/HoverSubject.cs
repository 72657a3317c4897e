using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Hover;

/// <summary>What a hover is about: a property, found by its key or by a value of it, and the value to explain.</summary>
/// <param name="Property">The property.</param>
/// <param name="OwnerType">The model type the property belongs to (the value is read as its property).</param>
/// <param name="DottedPath">The property's place, as messages write it: <c>resources.gpu</c>, <c>profiles[].name</c>.</param>
/// <param name="Value">The value to explain: the key's whole value, or the item or scalar under the cursor; null for none.</param>
/// <param name="AsItem">The value is one item of the list property.</param>
/// <param name="Range">The span the hover covers: the key, or the value under the cursor.</param>
/// <param name="Offset">The cursor's offset in the text.</param>
/// <param name="KnownProblems">The document's diagnostics inside the value, when the document was checked as a whole.</param>
public sealed record HoverSubject(
    PropertyDescriptor Property,
    Type OwnerType,
    string DottedPath,
    YamlNode? Value,
    bool AsItem,
    SourceSpan Range,
    int Offset,
    IReadOnlyList<Diagnostic>? KnownProblems);
