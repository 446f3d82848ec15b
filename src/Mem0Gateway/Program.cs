using Mem0Gateway.Hosting;

await GatewayApplication.Create(args).RunAsync();
