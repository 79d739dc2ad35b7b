// Starts GraphiQL against this server's /graphql. Kept out of the page so that the page's
// Content-Security-Policy can forbid inline scripts.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  var query = [
    '# Sign in first: in Headers below, {"Authorization": "Bearer <token>"} with a token',
    '# from `salkku serve --demo` or `salkku token --role ministry`.',
    '#',
    '# What is due in the next 30 days?',
    '{',
    '  upcomingDeadlines(withinDays: 30) {',
    '    localDue daysLeft kind title tentative',
    '    application { acronym name }',
    '  }',
    '}',
    '',
  ].join('\n');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: query,
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: true,
    })
  );
})();
