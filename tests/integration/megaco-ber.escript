#!/usr/bin/env escript
%% SPDX-License-Identifier: GPL-3.0-or-later
%% megaco-ber.escript RESOLVER.erl same TEXT BER...: for each pair, "TEXT: same" when megaco's BER codec
%% decodes BER (with the resolver) to the very records megaco's text decoder reads TEXT to, else
%% "TEXT: differ …" or "TEXT: error …".
%% megaco-ber.escript RESOLVER.erl encode TEXT OUT...: megaco's BER encoding of each TEXT into OUT.
-mode(compile).

main([Resolver | Args]) ->
    {ok, Mod, Bin} = compile:file(Resolver, [binary, report]),
    {module, Mod} = code:load_binary(Mod, Resolver, Bin),
    EC = [{binary_name_resolver, {Mod, []}}],
    run(EC, Args).

run(EC, ["same" | Pairs]) -> pairs(fun(T, B) -> same(EC, T, B) end, Pairs);
run(EC, ["encode" | Pairs]) -> pairs(fun(T, O) -> encode(EC, T, O) end, Pairs).

pairs(F, [A, B | Rest]) -> F(A, B), pairs(F, Rest);
pairs(_, []) -> ok.

text(File) ->
    {ok, T} = file:read_file(File),
    case megaco_pretty_text_encoder:decode_message([], T) of
        {ok, M} -> {ok, M};
        _ -> megaco_compact_text_encoder:decode_message([], T)
    end.

same(EC, TextFile, BerFile) ->
    {ok, Ber} = file:read_file(BerFile),
    case {text(TextFile), catch megaco_ber_encoder:decode_message(EC, 3, Ber)} of
        {{ok, M}, {ok, M}} -> io:format("~s: same~n", [TextFile]);
        {{ok, M}, {ok, B}} -> io:format("~s: differ~n text ~0p~n ber  ~0p~n", [TextFile, M, B]);
        {T, B} -> io:format("~s: error ~0p ~0p~n", [TextFile, T, B])
    end.

encode(EC, TextFile, Out) ->
    {ok, M} = text(TextFile),
    case catch megaco_ber_encoder:encode_message(EC, 3, M) of
        {ok, Bin} -> ok = file:write_file(Out, Bin), io:format("~s: encoded~n", [TextFile]);
        Other -> io:format("~s: error ~0p~n", [TextFile, Other])
    end.
