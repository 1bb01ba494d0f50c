<?xml version="1.0" encoding="utf-8"?>
<!-- A feed (RSS 2.0 or Atom 1.0) opened in a browser, as a page that says what a feed is and how
     to follow it, and lists its items. Feed readers never read this file. Its words come from the
     feed itself (the ht:reading element, in the visitor's language), so that this one file serves
     every language. No script and no style attribute: the feed's Content-Security-Policy allows
     neither; the page takes the site's stylesheet. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:ht="https://healtorture.org/ns/feed-page"
    exclude-result-prefixes="atom ht">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat" indent="no"/>

  <xsl:variable name="reading" select="/rss/channel/ht:reading | /atom:feed/ht:reading"/>
  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <xsl:variable name="page" select="/rss/channel/link | /atom:feed/atom:link[@rel='alternate']/@href"/>
  <xsl:variable name="address" select="/rss/channel/atom:link[@rel='self']/@href | /atom:feed/atom:link[@rel='self']/@href"/>

  <xsl:template match="/">
    <html lang="{$reading/@lang}" dir="{$reading/@dir}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/></title>
        <link rel="stylesheet" href="{$reading/@stylesheet}"/>
      </head>
      <body>
        <main id="main" class="feed-page">
          <div class="wrap">
            <p class="meta"><a href="/">HealTorture</a></p>
            <h1 dir="auto"><xsl:value-of select="$title"/></h1>
            <div class="content-note">
              <p><xsl:value-of select="$reading/ht:what"/></p>
              <p><xsl:value-of select="$reading/ht:how"/></p>
              <p class="share">
                <label for="feed-address"><xsl:value-of select="$reading/ht:address"/></label>
                <input id="feed-address" type="url" readonly="readonly" value="{$address}"/>
              </p>
            </div>
            <p><a href="{$page}"><xsl:value-of select="$reading/ht:page"/></a></p>
            <h2><xsl:value-of select="$reading/ht:latest"/></h2>
            <ol class="result-list">
              <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
            </ol>
          </div>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <li class="result">
      <h3 dir="auto"><a href="{link}"><xsl:value-of select="title"/></a></h3>
      <!-- The summary is escaped HTML (plain text inside): shown as text. -->
      <p dir="auto"><xsl:value-of select="description" disable-output-escaping="yes"/></p>
      <p class="meta"><xsl:value-of select="substring(pubDate, 6, 11)"/></p>
    </li>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li class="result">
      <h3 dir="auto"><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h3>
      <p dir="auto"><xsl:value-of select="atom:summary" disable-output-escaping="yes"/></p>
      <p class="meta"><xsl:value-of select="substring(atom:published, 1, 10)"/></p>
    </li>
  </xsl:template>
</xsl:stylesheet>
