using Dstack.LanguageServer.Editing;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// Chooses the value context for the slot at the cursor, by the property and its value type, and lets it add its
/// items. A value of a list item (after <c>- </c> or in <c>[...]</c>) is completed as the list's item type.
/// </summary>
public static class ValueCompletion
{
    public static void Add(CompletionItems items)
    {
        var request = items.Request;
        if (request.Slot is not { ValueType: { } type, Property: { } property } slot)
        {
            return;
        }

        var owner = property.Property.DeclaringType;
        var isItem = request.Context.Path.Count > 0 && request.Context.Path[^1].IsItem;
        Action<CompletionItems>? complete = (type, property.YamlName) switch
        {
            (_, "type") when owner == typeof(RunConfiguration) => EnumValueCompletion.AddRunTypes,
            _ when property.IsPythonVersion => PythonCompletion.Add,
            _ when property.DurationForms is not null || type == typeof(Duration) => DurationCompletion.Add,
            _ when type == typeof(GpuSpec) => GpuCompletion.AddSpec,
            (_, "name") when owner == typeof(GpuSpec) || owner == typeof(WorkflowGpu) => GpuCompletion.AddNames,
            (_, "workflow") when owner == typeof(WorkflowDep) => WorkflowNameCompletion.Add,
            _ when type == typeof(GpuVendor) => GpuCompletion.AddVendors,
            _ when SizeCompletion.Takes(type, out var isRange) => i => SizeCompletion.Add(i, isRange),
            _ when type == typeof(Range<int>) || type == typeof(int) => i => CountCompletion.Add(i, type == typeof(Range<int>)),
            _ when type == typeof(PortMapping) => i => PortCompletion.Add(i, isServicePort: !isItem),
            _ when type == typeof(EnvVariable) => EnvCompletion.Add,
            _ when type == typeof(VolumeMount) => VolumeCompletion.Add,
            { type.IsEnum: true } => i => EnumValueCompletion.AddEnum(i, type),
            _ when type == typeof(bool) || type == typeof(RetrySpec) => EnumValueCompletion.AddBooleans,
            _ when type == typeof(GatewayChoice) => i => i.Value("false", CompletionItemKind.Keyword, "publish without a gateway"),
            _ when type == typeof(string) => i => EnumValueCompletion.TryAddChoices(i, owner, property.YamlName),
            _ when !isItem && slot.ItemType is { IsEnum: true } item => i => EnumValueCompletion.AddFlowLists(i, item),
            _ => null,
        };
        complete?.Invoke(items);
    }

    /// <summary>Whether a key place after <c>- </c> is really a list item's value: the list's items are not mappings.</summary>
    public static bool IsItemValue(CursorContext context, ModelSlot? slot) =>
        context.AfterDash && slot is { IsObject: false } && context.Path.Count > 0 && context.Path[^1].IsItem;
}
