using System.Reflection;
using Mem0Gateway.Hosting;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Tests.Configuration;

/// <summary>Every source-generated log message takes its id from the one registry, and no two messages share an id.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Every_log_message_uses_a_registered_id_of_its_own()
    {
        var registered = typeof(LogEventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToDictionary(f => (int)f.GetRawConstantValue()!, f => f.Name);
        Assert.Equal(typeof(LogEventIds).GetFields().Length, registered.Count);

        var messages = typeof(GatewayApplication).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .ToList();
        Assert.NotEmpty(messages);
        Assert.All(messages, x => Assert.True(registered.ContainsKey(x.Attribute!.EventId),
            $"{x.Method.DeclaringType}.{x.Method.Name} uses event id {x.Attribute!.EventId}, which is not in LogEventIds"));
        var shared = messages.GroupBy(x => x.Attribute!.EventId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(shared.Count == 0, "event ids used by more than one message: " + string.Join(", ", shared));
    }
}
