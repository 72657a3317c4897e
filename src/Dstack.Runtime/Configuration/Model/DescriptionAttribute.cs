using System.Runtime.CompilerServices;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>
/// A model property's (or enum value's) description (what <see cref="System.ComponentModel.DescriptionAttribute"/> says), with the line it
/// is declared on, filled in by the compiler. The line gives the order a user reads properties in (declaration order)
/// without metadata tokens, which Native AOT does not have. Model files name it as <c>[Description("...")]</c>: in the
/// model namespace this type is found before System.ComponentModel's.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DescriptionAttribute(string description, [CallerLineNumber] int line = 0) : System.ComponentModel.DescriptionAttribute(description)
{
    /// <summary>The line of the property's declaration in its file.</summary>
    public int Line { get; } = line;
}
