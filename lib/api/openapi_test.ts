import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { z } from "zod";
import { openApiDocument, queryFlag, type Route, route } from "./mod.ts";

const Item = z.object({ name: z.string().describe("Its name"), size: z.number().int() }).meta({ id: "Item" });
const NewItem = z.object({ name: z.string(), size: z.number().int().default(1) }).meta({ id: "NewItem" });

const ROUTES: Route[] = [
  route({
    method: "GET",
    path: "/items/{name}",
    operationId: "getItem",
    summary: "An item",
    tag: "items",
    params: z.object({ name: z.string().describe("The item's name") }),
    query: z.object({ all: queryFlag.describe("Stopped ones too"), page: z.string().min(1) }),
    responses: { 200: { description: "It", schema: Item }, 404: { description: "None", schema: z.object({}) } },
    handle: () => ({ status: 200 }),
  }),
  route({
    method: "POST",
    path: "/items",
    operationId: "createItem",
    summary: "Makes an item",
    tag: "items",
    body: NewItem,
    responses: { 201: { description: "Made", schema: NewItem } },
    handle: () => ({ status: 201 }),
  }),
  route({
    method: "GET",
    path: "/items/{name}/logs",
    operationId: "itemLogs",
    summary: "Its logs",
    tag: "items",
    public: true,
    params: z.object({ name: z.string() }),
    responses: { 200: { description: "Lines", contentType: "text/plain" } },
    handle: () => new Response(""),
  }),
];

// deno-lint-ignore no-explicit-any
const doc = openApiDocument(ROUTES, { title: "T", version: "1.2.3", description: "D" }) as any;

Deno.test("openApiDocument is a valid OpenAPI 3.1 document", async () => {
  const result = await new Validator().validate(doc);
  assert.equal(doc.openapi, "3.1.0");
  assert.deepEqual(result.errors ?? [], []);
  assert.equal(result.valid, true);
});

Deno.test("openApiDocument lists every route under its path and method, with its id, summary and tag", () => {
  assert.deepEqual(Object.keys(doc.paths), ["/items/{name}", "/items", "/items/{name}/logs"]);
  const get = doc.paths["/items/{name}"].get;
  assert.equal(get.operationId, "getItem");
  assert.equal(get.summary, "An item");
  assert.deepEqual(get.tags, ["items"]);
  assert.deepEqual(doc.info, { title: "T", version: "1.2.3", description: "D" });
});

Deno.test("openApiDocument gives path parameters as required and query ones as their schema says", () => {
  const params = doc.paths["/items/{name}"].get.parameters;
  const byName = Object.fromEntries(params.map((p: { name: string }) => [p.name, p]));
  assert.deepEqual(byName.name, {
    name: "name",
    in: "path",
    required: true,
    description: "The item's name",
    schema: { type: "string" },
  });
  assert.equal(byName.all.in, "query");
  assert.equal(byName.all.required, false);
  assert.equal(byName.all.description, "Stopped ones too");
  assert.deepEqual([...byName.all.schema.enum].sort(), ["", "0", "1", "false", "true"]);
  assert.equal(byName.page.required, true);
});

Deno.test("openApiDocument makes schemas with an id components, input and output apart when they differ", () => {
  const schemas = doc.components.schemas;
  assert.equal(
    doc.paths["/items/{name}"].get.responses["200"].content["application/json"].schema.$ref,
    "#/components/schemas/Item",
  );
  assert.equal(schemas.Item.properties.name.description, "Its name");
  const post = doc.paths["/items"].post;
  assert.equal(post.requestBody.required, true);
  const input = post.requestBody.content["application/json"].schema.$ref;
  const output = post.responses["201"].content["application/json"].schema.$ref;
  assert.notEqual(input, output);
  // A default makes the field optional going in and always there coming out.
  const inSchema = schemas[input.split("/").at(-1)];
  const outSchema = schemas[output.split("/").at(-1)];
  assert.deepEqual(inSchema.required, ["name"]);
  assert.deepEqual(outSchema.required, ["name", "size"]);
  for (const value of JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)) {
    assert.ok(schemas[value[1]!.replace("#/components/schemas/", "")], `${value[1]} points nowhere`);
  }
  assert.doesNotMatch(JSON.stringify(doc), /\$defs|\$schema/);
});

Deno.test("openApiDocument gives every error response the one error body, and the common errors to all", () => {
  const get = doc.paths["/items/{name}"].get.responses;
  assert.deepEqual(Object.keys(get).sort(), ["200", "400", "401", "403", "404", "500"]);
  for (const status of ["400", "401", "403", "404", "500"]) {
    assert.equal(get[status].content["application/json"].schema.$ref, "#/components/schemas/Error", status);
  }
  assert.deepEqual(doc.components.schemas.Error.required, ["error"]);
});

Deno.test("openApiDocument asks for the bearer token except on public routes, which have no 401", () => {
  assert.deepEqual(doc.security, [{ bearer: [] }]);
  assert.deepEqual(doc.components.securitySchemes.bearer, {
    type: "http",
    scheme: "bearer",
    description: "The token thv serve printed",
  });
  const logs = doc.paths["/items/{name}/logs"].get;
  assert.deepEqual(logs.security, []);
  assert.equal(logs.responses["401"], undefined);
  assert.deepEqual(logs.responses["200"].content, { "text/plain": { schema: { type: "string" } } });
  assert.equal(doc.paths["/items"].post.security, undefined);
});
