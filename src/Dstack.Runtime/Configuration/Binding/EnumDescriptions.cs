using System.ComponentModel;
using System.Reflection;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>
/// What an enum value of the model means, from the <see cref="DescriptionAttribute"/> on the value itself: the one
/// copy that hover and completion read.
/// </summary>
public static class EnumDescriptions
{
    /// <summary>The description of <paramref name="value"/>, or null when its enum member has none.</summary>
    public static string? Of(Enum value) =>
        value.GetType().GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static)?.GetCustomAttribute<DescriptionAttribute>()?.Description;
}
