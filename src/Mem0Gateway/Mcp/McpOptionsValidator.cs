using Mem0Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Mcp;

internal sealed class McpOptionsValidator : IValidateOptions<McpOptions>
{
    public ValidateOptionsResult Validate(string? name, McpOptions options)
    {
        var errors = new OptionsErrors(McpOptions.SectionName);
        errors.RequireNames("Clients", options.Clients);
        errors.RequireNames("Tools", options.Tools);
        errors.RequireAtLeast("MaxBodyPeekBytes", options.MaxBodyPeekBytes, 0);
        errors.RequireNames("ClientVersions", options.ClientVersions);
        errors.RequirePositive("ToolCallTimeout", options.ToolCallTimeout);
        errors.RequirePositive("SessionIdleTimeout", options.SessionIdleTimeout);
        errors.RequireAtLeast("MaxTrackedSessions", options.MaxTrackedSessions, 1);
        errors.RequireAtLeast("MaxPendingCallsPerSession", options.MaxPendingCallsPerSession, 0);
        return errors.Result;
    }
}
