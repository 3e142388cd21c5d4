export default defineAppConfig({
  pages: ['pages/index/index', 'pages/apply/index', 'pages/applications/index', 'pages/progress/index'],
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#1456c8',
    navigationBarTitleText: '出生“一件事”联办',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f3f6fb',
  },
});
