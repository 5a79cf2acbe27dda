-- The pandoc filter behind the chapters' web pages (common/tools/book.cpp runs it).
--
-- A chapter's README.md is written to be read in chapters/C/ (on GitHub, in an editor);
-- its page is out/book/C.html. So that the text still leads where it points:
--   `gates_errors.png`             a figure or CSV the tour wrote in out/C/ -> a link to it
--   `out/C/chain_rule.csv`         a file of out/ named from the top folder -> a link to it
--   [`network.hpp`](network.hpp)   a relative link or image -> the file in chapters/C/
--   ../03-x/README.md#section      another chapter -> its page, 03-x.html#section
-- A name is linked only when the file exists, so a chapter not yet run has no dead links.
--
-- And one fix to the formulas: texmath 0.12.4 (pandoc 2.17, Debian 12) draws every bare
-- ( ) [ ] | as a stretchy fence, so f(z^L) gets parentheses as tall as a fraction.
-- Each becomes {(} and the like, which TeX reads the same and every texmath draws at text
-- size; \left( \right) \big( and the rest stay as written.
--
-- The places come as metadata (-M): nn-source (chapters/C/ as the page sees it),
-- nn-figures (out/C/ as the page sees it) and nn-figures-dir (out/C/ on disk), nn-out and
-- nn-out-dir (out/ as the page sees it and on disk).

local place = { source = "", figures = "", figures_dir = ".", out = "", out_dir = "." }

local function read_places(meta)
  for key, _ in pairs(place) do
    local value = meta["nn-" .. (key:gsub("_", "-"))]
    if value ~= nil then place[key] = pandoc.utils.stringify(value) end
  end
end

local function exists(path)
  local file = io.open(path, "rb")
  if file == nil then return false end
  file:close()
  return true
end

local function is_relative(target)
  return target ~= "" and not target:match("^%a[%w+.-]*:") and not target:match("^[#/?]")
end

local function relink(target)
  if not is_relative(target) then return target end
  local chapter, anchor = target:match("^%.%./([^/]+)/README%.md(#?.*)$")
  if chapter then return chapter .. ".html" .. anchor end
  anchor = target:match("^README%.md(#?.*)$")
  if anchor then return anchor ~= "" and anchor or "#" end
  return place.source .. target
end

-- The page's link to a file the text names in `code`, or nil when there is none.
local function output_link(text)
  local name, extension = text:match("^([%w_.-]+)%.(%a+)$")
  if name and (extension == "png" or extension == "gif" or extension == "csv")
      and exists(place.figures_dir .. "/" .. text) then
    return place.figures .. text
  end
  local inside = text:match("^out/([%w_./-]+)$")
  if inside and not inside:match("%.%.") and exists(place.out_dir .. "/" .. inside) then
    return place.out .. inside
  end
  return nil
end

local function Code(code)
  local target = output_link(code.text)
  if target then return pandoc.Link({ code }, target) end
end

-- A link around `figure.png` must not become a link inside a link.
local function Link(link)
  link.target = relink(link.target)
  local content = {}
  for _, inline in ipairs(link.content) do
    if inline.t == "Link" then
      for _, inner in ipairs(inline.content) do table.insert(content, inner) end
    else
      table.insert(content, inline)
    end
  end
  link.content = content
  return link
end

local function Image(image)
  if is_relative(image.src) and exists(place.figures_dir .. "/" .. image.src) then
    image.src = place.figures .. image.src
  else
    image.src = relink(image.src)
  end
  return image
end

local sizing = {}
for _, name in ipairs({ "left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr",
                        "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "bigm", "Bigm" }) do
  sizing[name] = true
end
local fence = { ["("] = true, [")"] = true, ["["] = true, ["]"] = true, ["|"] = true }

local function unstretch(tex)
  local out, i = {}, 1
  local next_is = nil      -- "delimiter" after \left and the like, "option" after \sqrt or \\
  local in_option = false  -- inside \sqrt[...] or \\[...]
  while i <= #tex do
    local c = tex:sub(i, i)
    if c == "\\" then
      local name = tex:match("^%a+", i + 1)
      local token = name and "\\" .. name or tex:sub(i, i + 1)
      table.insert(out, token)
      i = i + #token
      next_is = (sizing[name] and "delimiter") or ((name == "sqrt" or token == "\\\\") and "option") or nil
    elseif c:match("%s") then
      table.insert(out, c)
      i = i + 1
    else
      if next_is == "option" and c == "[" then in_option = true end
      if fence[c] and next_is ~= "delimiter" and not in_option then
        table.insert(out, "{" .. c .. "}")
      else
        table.insert(out, c)
      end
      if in_option and c == "]" then in_option = false end
      next_is = nil
      i = i + 1
    end
  end
  return table.concat(out)
end

local function Math(math)
  math.text = unstretch(math.text)
  return math
end

return {
  { Meta = read_places },
  { Code = Code, Link = Link, Image = Image, Math = Math },
}
