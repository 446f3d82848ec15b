using System.Reflection;
using System.Reflection.Emit;
using Mem0Gateway.Hosting;

namespace Mem0Gateway.Tests.Architecture;

/// <summary>
/// Dependencies run one way: Hosting, then the feature folders, then Proxy, Privacy, Configuration and Scraping. Read from the
/// compiled gateway (signatures and every method body's IL), so fully qualified names and <c>using</c>s count alike.
/// </summary>
public sealed class FeatureDependencyTests
{
    private const string Root = "Mem0Gateway";

    private static readonly HashSet<string> Features =
        ["Metrics", "Tracing", "Logging", "Health", "Mcp", "ActiveUsers", "Management", "StatusPage", "SessionAffinity", "Auth"];

    // Scraping: the one before-collect hook that every feature reporting at scrape time registers through.
    private static readonly HashSet<string> LowerLayers = ["Proxy", "Privacy", "Configuration", "Scraping"];

    private const string Composition = "Hosting";

    /// <summary>
    /// Today's known crossings. The list only shrinks: an entry that no longer occurs fails the test until it is removed.
    /// </summary>
    private static readonly Dictionary<(string From, string To), string> KnownViolations = new()
    {
    };

    [Fact]
    public void Feature_folders_use_only_themselves_and_the_lower_layers()
    {
        var crossings = Crossings();
        var unknown = crossings.Keys.Where(k => !KnownViolations.ContainsKey(k))
            .Select(k => $"{k.From} -> {k.To}: {string.Join("; ", crossings[k].Take(3))}")
            .ToList();
        Assert.True(unknown.Count == 0, "New dependencies against the layering:\n" + string.Join("\n", unknown));

        var fixedOnes = KnownViolations.Keys.Where(k => !crossings.ContainsKey(k)).Select(k => $"{k.From} -> {k.To}").ToList();
        Assert.True(fixedOnes.Count == 0, "No longer happens, remove from KnownViolations: " + string.Join(", ", fixedOnes));
    }

    [Fact]
    public void Every_folder_of_the_gateway_has_a_layer()
    {
        var unplaced = GatewayTypes().Select(t => FolderOf(t)).OfType<string>().Distinct()
            .Where(f => !Features.Contains(f) && !LowerLayers.Contains(f) && f != Composition)
            .ToList();
        Assert.True(unplaced.Count == 0, "Place these folders in a layer in this test: " + string.Join(", ", unplaced));
    }

    [Theory]
    [InlineData("Metrics", "Health", true)]
    [InlineData("Health", "Proxy", false)]
    [InlineData("Proxy", "Metrics", true)]
    [InlineData("Proxy", "Privacy", false)]
    [InlineData("Configuration", "Hosting", true)]
    [InlineData("Hosting", "Mcp", false)]
    [InlineData("Mcp", "Mcp", false)]
    public void The_rule_itself(string from, string to, bool crosses) => Assert.Equal(crosses, Crosses(from, to));

    private static bool Crosses(string from, string to)
        => from != to && from != Composition && (to == Composition || Features.Contains(to));

    private static Dictionary<(string From, string To), List<string>> Crossings()
    {
        var crossings = new Dictionary<(string, string), List<string>>();
        foreach (var type in GatewayTypes())
        {
            if (FolderOf(type) is not { } from)
            {
                continue;
            }

            foreach (var used in References(type))
            {
                if (FolderOf(used) is { } to && Crosses(from, to))
                {
                    var key = (from, to);
                    if (!crossings.TryGetValue(key, out var examples))
                    {
                        crossings[key] = examples = [];
                    }

                    var example = $"{type.FullName} uses {used.FullName}";
                    if (!examples.Contains(example))
                    {
                        examples.Add(example);
                    }
                }
            }
        }

        return crossings;
    }

    private static IEnumerable<Type> GatewayTypes() => typeof(GatewayApplication).Assembly.GetTypes();

    /// <summary>The folder a gateway type lives in (first namespace segment under the root); null for anything else.</summary>
    private static string? FolderOf(Type type)
    {
        if (type.Assembly != typeof(GatewayApplication).Assembly || type.Namespace is not { } ns || !ns.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[(Root.Length + 1)..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static IEnumerable<Type> References(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            if (t.IsConstructedGenericType)
            {
                foreach (var argument in t.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var field in type.GetFields(Declared))
        {
            Add(field.FieldType);
        }

        foreach (var property in type.GetProperties(Declared))
        {
            Add(property.PropertyType);
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (var used in BodyReferences(method))
            {
                Add(used);
            }
        }

        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Types named by the method's IL: called methods' and touched fields' owners, constructed and cast types.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } owner ? owner.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            var value = (short)il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, position);
                    MemberInfo? member = null;
                    try
                    {
                        member = method.Module.ResolveMember(token, typeArguments, methodArguments);
                    }
                    catch (ArgumentException)
                    {
                    }

                    if (member is Type type)
                    {
                        yield return type;
                    }
                    else if (member is not null)
                    {
                        if (member.DeclaringType is { } declaring)
                        {
                            yield return declaring;
                        }

                        if (member is MethodInfo { IsGenericMethod: true } generic)
                        {
                            foreach (var argument in generic.GetGenericArguments())
                            {
                                yield return argument;
                            }
                        }
                    }

                    position += 4;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                default:
                    position += OperandSize(opCode.OperandType);
                    break;
            }
        }
    }

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };
}
