using Dstack.LanguageServer.Editing;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Tests.Editing;

/// <summary>Paths of a document lead to the model's properties, types and keys.</summary>
[Trait("Category", "Fast")]
public sealed class ModelPathTests
{
    [Fact]
    public void Resolve_ResourcesGpu_IsTheGpuSpecWithItsKeys()
    {
        var slot = ModelPath.Resolve(ConfigurationKind.Run, "task", [PathSegment.Of("resources"), PathSegment.Of("gpu")]);

        Assert.NotNull(slot);
        Assert.Equal("gpu", slot.Property?.YamlName);
        Assert.Equal(typeof(GpuSpec), slot.ValueType);
        Assert.Equal(["vendor", "name", "count", "memory", "total_memory", "compute_capability"], slot.Keys.Select(k => k.YamlName));
    }

    [Fact]
    public void Resolve_ProfilesItem_IsAProfile()
    {
        var slot = ModelPath.Resolve(ConfigurationKind.Profiles, null, [PathSegment.Of("profiles"), PathSegment.Item]);

        Assert.NotNull(slot);
        Assert.Equal(typeof(Profile), slot.ValueType);
        Assert.NotNull(slot.FindKey("spot_policy"));
    }

    [Fact]
    public void Resolve_ListOfScalars_ItemIsNotAnObject()
    {
        var slot = ModelPath.Resolve(ConfigurationKind.Run, "task", [PathSegment.Of("backends"), PathSegment.Item]);

        Assert.NotNull(slot);
        Assert.Equal(typeof(BackendType), slot.ValueType);
        Assert.False(slot.IsObject);
    }

    [Fact]
    public void Resolve_UnknownTypeOrNone_OffersTheKeysOfEveryRunType()
    {
        var root = ModelPath.Resolve(ConfigurationKind.Run, null, []);

        Assert.NotNull(root);
        Assert.NotNull(root.FindKey("ide"));
        Assert.NotNull(root.FindKey("commands"));
        Assert.NotNull(root.FindKey("port"));
        Assert.Null(ModelPath.Root(ConfigurationKind.Run, "task").FindKey("ide"));
    }

    [Fact]
    public void Resolve_UnknownKeyOrKeyInsideAScalar_IsNull()
    {
        Assert.Null(ModelPath.Resolve(ConfigurationKind.Run, "task", [PathSegment.Of("gpus")]));
        Assert.Null(ModelPath.Resolve(ConfigurationKind.Run, "task", [PathSegment.Of("name"), PathSegment.Of("x")]));
    }

    [Theory]
    [InlineData("workflows: []\nprofiles: []\n")]
    [InlineData("profiles: []\nworkflows: []\n")]
    public void KindOf_BothListsAndNoType_ProfilesAsTheLoaderDecides(string text)
    {
        var snapshot = new Dstack.LanguageServer.Documents.DocumentSnapshot("file:///w/x.dstack.yml", "/w/x.dstack.yml", 1, text);

        Assert.Equal(ConfigurationLoader.KindOf(snapshot.Path, ConfigurationLoader.LoadText(snapshot.Path, text).Root), DocumentCursor.KindOf(snapshot));
        Assert.Equal(ConfigurationKind.Profiles, DocumentCursor.KindOf(snapshot));
    }

    [Fact]
    public void ItemTypeOf_EveryModelPropertyType_IsWhatItsInterfacesSay()
    {
        var types = typeof(ProfilesFile).Assembly.GetTypes()
            .Where(t => t.IsClass && t.Namespace is "Dstack.Runtime.Configuration.Model" or "Dstack.Runtime.Resources")
            .SelectMany(t => Dstack.Runtime.Configuration.Binding.ModelDescriptor.For(t).Properties)
            .Select(p => p.ValueType)
            .Distinct()
            .ToList();

        Assert.Contains(typeof(EnvVariables), types);
        foreach (var type in types)
        {
            var expected = type == typeof(string) ? null
                : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0]
                : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))?.GetGenericArguments()[0];
            Assert.Equal(expected, ModelPath.ItemTypeOf(type));
        }
    }
}
