export default defineAppConfig({
  pages: ['pages/index/index', 'pages/applications/index', 'pages/progress/index', 'pages/notices/index'],
  subPackages: [
    {
      root: 'form',
      pages: ['apply/index', 'correct/index', 'rate/index'],
    },
  ],
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#1456c8',
    navigationBarTitleText: '出生“一件事”联办',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f3f6fb',
  },
});
